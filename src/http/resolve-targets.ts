/**
 * Which resources it really is: the resources the request names, resolved to
 * the experiments carrying their permissions, and the caller's grants on
 * them. Only done for authenticated callers, so anonymous requests cause no
 * look-ups.
 */
import type { Middleware } from 'koa';

import { type Reference, type RequestView, extractReferences } from '../mlflow/references.js';
import type { RouteSpec } from '../mlflow/route-spec.js';
import { type ResolvedTarget, keyedGrants } from '../policy/input.js';
import type { ResourceGrants, ResourceType } from '../store/types.js';
import type { ExperimentNames } from '../mlflow/names.js';
import type { Resolver } from '../mlflow/resolve.js';
import type { GrantSource } from '../store/grant-cache.js';
import type { GatewayState } from './state.js';

export interface TargetDeps {
  readonly resolver: Resolver;
  readonly grantSource: Pick<GrantSource, 'forPrincipal'>;
  readonly maxResources: number;
  /** Names of the experiments, for regex rules; absent: targets carry no names (regex rules never match). */
  readonly names?: Pick<ExperimentNames, 'name'>;
}

export function resolveTargetsStage(deps: TargetDeps): Middleware<GatewayState> {
  return async (ctx, next) => {
    const { route, params, query, principal } = ctx.state;
    if (
      route !== undefined &&
      params !== undefined &&
      query !== undefined &&
      principal?.authenticated === true &&
      principal.username !== null
    ) {
      const resolved = await resolveTargets(deps, {
        route,
        view: {
          params,
          query,
          path: ctx.state.pathParams ?? {},
          headers: ctx.req.headersDistinct,
          ...(ctx.state.otlpTraceIds === undefined ? {} : { otlpTraceIds: ctx.state.otlpTraceIds }),
        },
        // A GraphQL request names its resources in its document (its route names none).
        extraReferences: ctx.state.graphql?.references ?? [],
        username: principal.username,
        groups: principal.groups,
      });
      ctx.state.targets = resolved.targets;
      ctx.state.grants = resolved.grants;
    }
    await next();
  };
}

/**
 * The resources a request names, resolved to the experiments carrying their permissions (with their names while
 * regex rules need them), and the caller's grants on those that exist. Shared by the pipeline and `mlgate explain`.
 */
export async function resolveTargets(
  deps: TargetDeps,
  request: {
    readonly route: Pick<RouteSpec, 'targets'>;
    readonly view: RequestView;
    readonly extraReferences?: readonly Reference[];
    readonly username: string;
    readonly groups: readonly string[];
  },
): Promise<{ readonly targets: readonly ResolvedTarget[]; readonly grants: ReadonlyMap<string, ResourceGrants> }> {
  const references = [
    ...extractReferences(request.route, request.view, deps.maxResources),
    ...(request.extraReferences ?? []),
  ];
  const resolved = await deps.resolver.resolve(references);
  const targets = deps.names === undefined ? resolved : await deps.names.name(resolved);
  // One look-up per permission type; the map is keyed by type and id (grantsKey).
  const idsByType = new Map<ResourceType, string[]>();
  for (const target of targets) {
    if (target.exists) {
      const ids = idsByType.get(target.type) ?? [];
      ids.push(target.id);
      idsByType.set(target.type, ids);
    }
  }
  const grants = new Map<string, ResourceGrants>();
  for (const [type, ids] of idsByType) {
    keyedGrants(type, await deps.grantSource.forPrincipal(type, ids, request.username, request.groups), grants);
  }
  return { targets, grants };
}
