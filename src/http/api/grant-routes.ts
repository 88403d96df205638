/**
 * Grants through the gateway's own API (issue 8: permission changes "on any replica (CLI or API)"):
 *
 *   GET    /_mlgate/api/grants?resource_type=&resource_id=&user=|group=&max_results=&page_token=   list a page
 *                                                                  (every filter optional; list-pages.ts)
 *   PUT    /_mlgate/api/grants {resource_type, resource_id, user|group, permission}   create or replace
 *   DELETE /_mlgate/api/grants?resource_type=&resource_id=&user=|group=   remove
 *
 * Administrators may do all of it. A user who holds MANAGE on a resource may list its grants and change them below
 * MANAGE, as the policy decides (manage-check.ts, operation ManagePermissions); any other caller is refused. Values
 * are read as the CLI reads them (src/permissions/input.ts); each write bumps the permission version in the store.
 */
import type Router from 'koa-router';
import { z } from 'zod';

import { MlgateError } from '../../errors.js';
import {
  API_INPUT,
  type GrantResource,
  parseLevel,
  parsePrincipal,
  parseResource,
  parseResourceType,
} from '../../permissions/input.js';
import { grantJson } from '../../permissions/records.js';
import type { PermissionLevel } from '../../config/schema.js';
import type { GrantFilter, GrantRecord, PrincipalType } from '../../store/types.js';
import type { GatewayState } from '../state.js';
import { type Caller, caller, isAdministrator } from './caller.js';
import { readJsonBody, readQuery } from './json-body.js';
import { GRANT_KEY, type ListBinding, PAGE_QUERY, nextPageField, readPage } from './list-pages.js';
import { affectedUsers } from './affected-users.js';
import { type ManageCheckDeps, type GrantChange, authorizeManage, changesManage } from './manage-check.js';
import { type PermissionApiDeps, afterChange } from './permission-deps.js';

/** Longest value of a field (a registered model name is at most 1000 characters, as the CLI takes it). */
const MAX_FIELD = 1100;
const field = z.string().max(MAX_FIELD).optional();

const Filter = z.strictObject({ resource_type: field, resource_id: field, user: field, group: field });
const Listing = z.strictObject({ ...Filter.shape, ...PAGE_QUERY });
const Change = z.strictObject({
  resource_type: field,
  resource_id: field,
  user: field,
  group: field,
  permission: field,
});

type Principal = { readonly principalType: PrincipalType; readonly principal: string };

/** The resource of a change: both fields required. */
function resourceOf(value: { resource_type?: string | undefined; resource_id?: string | undefined }): GrantResource {
  const type = parseResourceType(value.resource_type, API_INPUT, 'the permission type of the resource');
  return parseResource(type, value.resource_id ?? '', API_INPUT);
}

/** A listing's resource filter: both fields, or neither. */
function resourceFilter(value: z.infer<typeof Listing>): GrantResource | null {
  if (value.resource_type === undefined && value.resource_id === undefined) {
    return null;
  }
  return resourceOf(value);
}

/** A listing's principal filter: user or group, or neither. */
function principalFilter(value: z.infer<typeof Listing>): Principal | null {
  return value.user === undefined && value.group === undefined ? null : parsePrincipal(value, API_INPUT);
}

/** A grant changed by someone else between reading it and writing it: nothing was written. */
function changedMeanwhile(resource: GrantResource): MlgateError {
  return new MlgateError(
    'MLGATE_CONFLICT',
    `The grant on ${resource.label} was changed by someone else while this change was being checked; nothing was ` +
      'written. Read it again (GET /_mlgate/api/grants) and retry.',
  );
}

function sameHolder(grant: GrantRecord, holder: Principal): boolean {
  return grant.principalType === holder.principalType && grant.principal === holder.principal;
}

export function registerGrantRoutes(router: Router<GatewayState>, deps: PermissionApiDeps & ManageCheckDeps): void {
  const store = deps.store;
  const isAdmin = (me: Caller): boolean => isAdministrator(me, deps.adminGroups);
  /** Administrators pass; anyone else needs the policy's yes for this change on this resource. */
  const authorize = async (
    ctx: { readonly method: string; readonly state: GatewayState },
    me: Caller,
    resource: GrantResource,
    change: GrantChange,
  ): Promise<void> => {
    if (!isAdmin(me)) {
      await authorizeManage(deps, {
        caller: me,
        resource,
        change,
        method: ctx.method,
        path: ctx.state.path,
        now: ctx.state.now,
      });
    }
  };
  /** The holder's grant on the resource: one look-up by its key, not a listing of the resource's grants. */
  const current = async (resource: GrantResource, holder: Principal): Promise<GrantRecord | undefined> => {
    const { items } = await store.grants.page(
      {
        resource: { type: resource.type, id: resource.id },
        principal: { type: holder.principalType, name: holder.principal },
      },
      { after: null, limit: 1 },
    );
    return items.find((g) => sameHolder(g, holder));
  };
  /**
   * What a change to the holder's grant replaces, for a caller who is not an administrator: MANAGE when it would
   * give or take MANAGE from anyone (the holder, or a stored member of the holder group) by any source, as the
   * policy decides with their grants before and after it (manage-check.ts changesManage); else the level of the
   * grant itself.
   */
  const replaced = async (
    ctx: { readonly method: string; readonly state: GatewayState },
    resource: GrantResource,
    holder: Principal,
    previous: GrantRecord | undefined,
    permission: PermissionLevel | null,
  ): Promise<PermissionLevel | undefined> => {
    if (previous?.permission === 'MANAGE') {
      return previous.permission;
    }
    const request = { resource, method: ctx.method, path: ctx.state.path, now: ctx.state.now };
    for (const user of await affectedUsers(store.users, holder)) {
      if (await changesManage(deps, user, request, { ...holder, permission })) {
        return 'MANAGE';
      }
    }
    return previous?.permission;
  };
  const changeOf = async (
    ctx: { readonly method: string; readonly state: GatewayState },
    me: Caller,
    resource: GrantResource,
    holder: Principal,
    previous: GrantRecord | undefined,
    permission: PermissionLevel | null,
  ): Promise<GrantChange> => {
    if (isAdmin(me)) {
      return previous === undefined ? {} : { currentPermission: previous.permission };
    }
    // The caller's own right first (MANAGE on the resource, and no MANAGE asked for): who may not change the
    // resource's grants learns nothing of who holds what on it, nor makes the gateway look at a group's members.
    await authorize(ctx, me, resource, permission === null ? {} : { permission });
    const currentPermission = await replaced(ctx, resource, holder, previous, permission);
    return currentPermission === undefined ? {} : { currentPermission };
  };

  router.get('/grants', async (ctx) => {
    const me = caller(ctx.state);
    const query = readQuery(ctx, Listing);
    const resource = resourceFilter(query);
    const holder = principalFilter(query);
    if (resource !== null) {
      await authorize(ctx, me, resource, {});
    } else if (!isAdmin(me)) {
      throw new MlgateError(
        'MLGATE_ADMIN_REQUIRED',
        'Only administrators may list grants across resources. Give resource_type and resource_id of a resource ' +
          'you hold MANAGE on to list its grants.',
      );
    }
    // The filters are applied to every page from the request itself; the token only says where to resume.
    const filter: GrantFilter = {
      ...(resource === null ? {} : { resource: { type: resource.type, id: resource.id } }),
      ...(holder === null ? {} : { principal: { type: holder.principalType, name: holder.principal } }),
    };
    const binding: ListBinding = {
      username: me.username,
      listing: 'grants',
      filters: [resource?.type ?? null, resource?.id ?? null, holder?.principalType ?? null, holder?.principal ?? null],
    };
    const page = await readPage(deps.listTokens, query, binding, ctx.state.now, GRANT_KEY, (request) =>
      store.grants.page(filter, request),
    );
    ctx.body = { grants: page.items.map(grantJson), ...nextPageField(page.nextPageToken) };
  });

  router.put('/grants', async (ctx) => {
    const me = caller(ctx.state);
    const body = await readJsonBody(ctx, Change);
    const resource = resourceOf(body);
    const holder = parsePrincipal(body, API_INPUT);
    const permission = parseLevel(body.permission, API_INPUT);
    const previous = await current(resource, holder);
    await authorize(ctx, me, resource, {
      permission,
      ...(await changeOf(ctx, me, resource, holder, previous, permission)),
    });
    // Written only if the grant is still the one the change was authorized against (a grant made MANAGE meanwhile
    // is not replaced on the strength of a check that saw READ).
    const written = await store.grants.put(
      { resourceType: resource.type, resourceId: resource.id, ...holder, permission, createdBy: `api:${me.username}` },
      previous?.permission ?? null,
    );
    if (!written) throw changedMeanwhile(resource);
    await afterChange(deps, ctx.state, 'grant set', {
      resource_type: resource.type,
      resource_id: resource.id,
      [holder.principalType]: holder.principal,
      permission,
      previous_permission: previous?.permission ?? null,
    });
    const stored = await current(resource, holder);
    if (stored === undefined) {
      // Removed again by someone else in the meantime.
      throw new MlgateError('MLGATE_CONFLICT', `The grant on ${resource.label} was removed while it was being made.`);
    }
    ctx.body = { ...grantJson(stored), previous_permission: previous?.permission ?? null };
  });

  router.delete('/grants', async (ctx) => {
    const me = caller(ctx.state);
    const filter = readQuery(ctx, Filter);
    const resource = resourceOf(filter);
    const holder = parsePrincipal(filter, API_INPUT);
    const previous = await current(resource, holder);
    // Authorized before the answer says whether the grant exists: only who may manage the resource learns it.
    await authorize(ctx, me, resource, await changeOf(ctx, me, resource, holder, previous, null));
    const noGrant = (): MlgateError =>
      new MlgateError(
        'MLGATE_NO_SUCH_OBJECT',
        `${holder.principalType} ${holder.principal} has no grant on ${resource.label}.`,
      );
    if (previous === undefined) throw noGrant();
    // Removed only if it still has the level the change was authorized against.
    if (
      !(await store.grants.remove(
        resource.type,
        resource.id,
        holder.principalType,
        holder.principal,
        previous.permission,
      ))
    ) {
      throw (await current(resource, holder)) === undefined ? noGrant() : changedMeanwhile(resource);
    }
    await afterChange(deps, ctx.state, 'grant removed', {
      resource_type: resource.type,
      resource_id: resource.id,
      [holder.principalType]: holder.principal,
      previous_permission: previous?.permission ?? null,
    });
    ctx.status = 204;
  });
}
