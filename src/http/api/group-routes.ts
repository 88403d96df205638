/**
 * Groups defined in the store, through the gateway's own API, administrators only (as `mlgate group`):
 *
 *   GET    /_mlgate/api/groups?max_results=&page_token=                list a page
 *   POST   /_mlgate/api/groups {name, description?, creator_permission?}   define (201)
 *   PATCH  /_mlgate/api/groups/:name {description?, creator_permission?}   change
 *   DELETE /_mlgate/api/groups/:name                                   delete, with its grants, rules and memberships
 *
 * creator_permission is READ, USE, EDIT or MANAGE, or null for nothing. The rest of the path is the name, slashes
 * included (/groups/team/a names the group team/a; an encoded slash, %2F, is refused as on every path).
 */
import type Router from 'koa-router';
import { z } from 'zod';

import { MlgateError } from '../../errors.js';
import { deleteGroupEverywhere } from '../../permissions/changes.js';
import { API_INPUT, parseCreatorPermission, parseGroupName } from '../../permissions/input.js';
import { groupJson } from '../../permissions/records.js';
import type { GatewayState } from '../state.js';
import { param, requireAdministrator } from './caller.js';
import { readJsonBody, readQuery } from './json-body.js';
import { GROUP_KEY, type ListBinding, PAGE_QUERY, nextPageField, readPage } from './list-pages.js';
import { type PermissionApiDeps, afterChange } from './permission-deps.js';

const description = z.string().max(1000).optional();
const creatorPermission = z.string().max(32).nullable().optional();
const NewGroup = z.strictObject({ name: z.string().max(300), description, creator_permission: creatorPermission });
const GroupChange = z.strictObject({ description, creator_permission: creatorPermission });
const Listing = z.strictObject(PAGE_QUERY);

export function registerGroupRoutes(router: Router<GatewayState>, deps: PermissionApiDeps): void {
  const admin = (state: GatewayState): string =>
    requireAdministrator(state, deps.adminGroups, 'list or change groups').username;

  router.get('/groups', async (ctx) => {
    const me = admin(ctx.state);
    const query = readQuery(ctx, Listing);
    const binding: ListBinding = { username: me, listing: 'groups', filters: [] };
    const page = await readPage(deps.listTokens, query, binding, ctx.state.now, GROUP_KEY, (request) =>
      deps.store.groups.page(request),
    );
    ctx.body = { groups: page.items.map(groupJson), ...nextPageField(page.nextPageToken) };
  });

  router.post('/groups', async (ctx) => {
    const me = admin(ctx.state);
    const body = await readJsonBody(ctx, NewGroup);
    const group = await deps.store.groups.create({
      name: parseGroupName(body.name, API_INPUT),
      description: body.description ?? '',
      creatorPermission: parseCreatorPermission(body.creator_permission, API_INPUT) ?? null,
      createdBy: `api:${me}`,
    });
    await afterChange(deps, ctx.state, 'group defined', groupJson(group));
    ctx.status = 201;
    ctx.body = groupJson(group);
  });

  router.patch('/groups/*name', async (ctx) => {
    admin(ctx.state);
    const name = parseGroupName(param(ctx, 'name'), API_INPUT);
    const body = await readJsonBody(ctx, GroupChange);
    const creator = parseCreatorPermission(body.creator_permission, API_INPUT);
    if (body.description === undefined && creator === undefined) {
      throw API_INPUT.invalid('Give description and/or creator_permission.');
    }
    const group = await deps.store.groups.update(name, {
      ...(body.description === undefined ? {} : { description: body.description }),
      ...(creator === undefined ? {} : { creatorPermission: creator }),
    });
    if (group === null) {
      throw new MlgateError('MLGATE_NO_SUCH_OBJECT', `Group "${name}" is not defined (see GET /_mlgate/api/groups).`);
    }
    await afterChange(deps, ctx.state, 'group changed', groupJson(group));
    ctx.body = groupJson(group);
  });

  router.delete('/groups/*name', async (ctx) => {
    admin(ctx.state);
    const name = parseGroupName(param(ctx, 'name'), API_INPUT);
    const deleted = await deleteGroupEverywhere(deps.store, name);
    const answer = {
      deleted: name,
      defined: deleted.defined,
      grants_removed: deleted.grantsRemoved,
      rules_removed: deleted.rulesRemoved,
      members_removed: deleted.membersRemoved,
    };
    await afterChange(deps, ctx.state, 'group deleted', answer);
    ctx.body = answer;
  });
}
