/**
 * Regex rules through the gateway's own API, administrators only (as `mlgate rule`):
 *
 *   GET    /_mlgate/api/rules?resource_type=&user=|group=&max_results=&page_token=   list a page (filters optional)
 *   POST   /_mlgate/api/rules {resource_type?, user|group, pattern, priority, permission}   add (201)
 *   PATCH  /_mlgate/api/rules/:id {priority?, permission?}         change (the pattern and principal stay)
 *   DELETE /_mlgate/api/rules/:id                                   remove (204)
 *
 * Values are read as the CLI reads them (src/permissions/input.ts), and a rule is added as the CLI adds one: the
 * pattern checked by the policy's own regex engine, the principal's rules within the limits
 * (src/permissions/changes.ts).
 */
import type Router from 'koa-router';
import { z } from 'zod';

import { MlgateError } from '../../errors.js';
import { addRegexRule } from '../../permissions/changes.js';
import {
  API_INPUT,
  parseLevel,
  parsePrincipal,
  parsePriority,
  parseResourceType,
  requirePattern,
} from '../../permissions/input.js';
import { ruleJson } from '../../permissions/records.js';
import type { RuleFilter } from '../../store/types.js';
import type { GatewayState } from '../state.js';
import { param, requireAdministrator } from './caller.js';
import { readJsonBody, readQuery } from './json-body.js';
import { type ListBinding, PAGE_QUERY, RULE_KEY, nextPageField, readPage } from './list-pages.js';
import { type PermissionApiDeps, afterChange } from './permission-deps.js';

const name = z.string().max(300).optional();
const Listing = z.strictObject({ resource_type: name, user: name, group: name, ...PAGE_QUERY });
const NewRule = z.strictObject({
  resource_type: name,
  user: name,
  group: name,
  // Longer patterns are refused by the pattern check, with its own message.
  pattern: z.string().max(4096).optional(),
  priority: z.number().optional(),
  permission: name,
});

const RuleChange = z.strictObject({ priority: z.number().optional(), permission: name });

const RULE_TYPE = "the names a rule's pattern is matched against";

export function registerRuleRoutes(router: Router<GatewayState>, deps: PermissionApiDeps): void {
  const admin = (state: GatewayState): string =>
    requireAdministrator(state, deps.adminGroups, 'list or change regex rules').username;

  router.get('/rules', async (ctx) => {
    const me = admin(ctx.state);
    const query = readQuery(ctx, Listing);
    const type =
      query.resource_type === undefined ? undefined : parseResourceType(query.resource_type, API_INPUT, RULE_TYPE);
    const holder = query.user === undefined && query.group === undefined ? null : parsePrincipal(query, API_INPUT);
    const filter: RuleFilter = {
      ...(type === undefined ? {} : { resourceType: type }),
      ...(holder === null ? {} : { principal: { type: holder.principalType, name: holder.principal } }),
    };
    const binding: ListBinding = {
      username: me,
      listing: 'rules',
      filters: [type ?? null, holder?.principalType ?? null, holder?.principal ?? null],
    };
    const page = await readPage(deps.listTokens, query, binding, ctx.state.now, RULE_KEY, (request) =>
      deps.store.regexRules.page(filter, request),
    );
    ctx.body = { rules: page.items.map(ruleJson), ...nextPageField(page.nextPageToken) };
  });

  router.post('/rules', async (ctx) => {
    const me = admin(ctx.state);
    const body = await readJsonBody(ctx, NewRule);
    const holder = parsePrincipal(body, API_INPUT);
    const rule = await addRegexRule(deps, {
      resourceType: parseResourceType(body.resource_type ?? 'experiment', API_INPUT, RULE_TYPE),
      ...holder,
      pattern: requirePattern(body.pattern, API_INPUT),
      priority: parsePriority(body.priority, API_INPUT),
      permission: parseLevel(body.permission, API_INPUT),
      createdBy: `api:${me}`,
    });
    await afterChange(deps, ctx.state, 'rule added', ruleJson(rule));
    ctx.status = 201;
    ctx.body = ruleJson(rule);
  });

  router.patch('/rules/:id', async (ctx) => {
    const me = admin(ctx.state);
    const id = param(ctx, 'id');
    const body = await readJsonBody(ctx, RuleChange);
    if (body.priority === undefined && body.permission === undefined) {
      throw API_INPUT.invalid(
        'Give priority and/or permission (to change the pattern, add a rule and remove this one).',
      );
    }
    const rule = await deps.store.regexRules.update(id, {
      ...(body.priority === undefined ? {} : { priority: parsePriority(body.priority, API_INPUT) }),
      ...(body.permission === undefined ? {} : { permission: parseLevel(body.permission, API_INPUT) }),
      createdBy: `api:${me}`,
    });
    if (rule === null) {
      throw new MlgateError('MLGATE_NO_SUCH_OBJECT', `There is no regex rule ${id} (see GET /_mlgate/api/rules).`);
    }
    await afterChange(deps, ctx.state, 'rule changed', ruleJson(rule));
    ctx.body = ruleJson(rule);
  });

  router.delete('/rules/:id', async (ctx) => {
    admin(ctx.state);
    const id = param(ctx, 'id');
    if (!(await deps.store.regexRules.remove(id))) {
      throw new MlgateError('MLGATE_NO_SUCH_OBJECT', `There is no regex rule ${id} (see GET /_mlgate/api/rules).`);
    }
    await afterChange(deps, ctx.state, 'rule removed', { id });
    ctx.status = 204;
  });
}
