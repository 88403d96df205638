/**
 * Which resources it really is: the resources the request names, resolved to
 * the experiments carrying their permissions, and the caller's grants on
 * them. Only done for authenticated callers, so anonymous requests cause no
 * look-ups.
 */
import type { Middleware } from 'koa';

import { extractReferences } from '../mlflow/references.js';
import type { ExperimentNames } from '../mlflow/names.js';
import type { Resolver } from '../mlflow/resolve.js';
import type { GrantSource } from '../store/grant-cache.js';
import type { GatewayState } from './state.js';

export function resolveTargetsStage(deps: {
  readonly resolver: Resolver;
  readonly grantSource: GrantSource;
  readonly maxResources: number;
  /** Names of the experiments, for regex rules; absent: targets carry no names (regex rules never match). */
  readonly names?: ExperimentNames;
}): Middleware<GatewayState> {
  return async (ctx, next) => {
    const { route, params, query, principal } = ctx.state;
    if (
      route !== undefined &&
      params !== undefined &&
      query !== undefined &&
      principal?.authenticated === true &&
      principal.username !== null
    ) {
      const view = {
        params,
        query,
        path: ctx.state.pathParams ?? {},
        headers: ctx.req.headersDistinct,
        ...(ctx.state.otlpTraceIds === undefined ? {} : { otlpTraceIds: ctx.state.otlpTraceIds }),
      };
      // A GraphQL request names its resources in its document (its route names none).
      const references = [
        ...extractReferences(route, view, deps.maxResources),
        ...(ctx.state.graphql?.references ?? []),
      ];
      const resolved = await deps.resolver.resolve(references);
      const targets = deps.names === undefined ? resolved : await deps.names.name(resolved);
      const ids = targets.filter((target) => target.exists).map((target) => target.id);
      ctx.state.targets = targets;
      ctx.state.grants =
        ids.length === 0
          ? new Map()
          : await deps.grantSource.forPrincipal('experiment', ids, principal.username, principal.groups);
    }
    await next();
  };
}
