/** What is being asked: the catalogue entry of the request (undefined for an unknown route). */
import type { Middleware } from 'koa';

import { type RouteTable, decodePath } from '../mlflow/match.js';
import { requireDefaultWorkspace } from '../mlflow/workspace.js';
import type { GatewayState } from './state.js';

/** The path as MLflow sees it (percent-decoded); a malformed escape is a 400, inside the error boundary. */
export function decodePathStage(): Middleware<GatewayState> {
  return async (ctx, next) => {
    ctx.state.path = decodePath(ctx.path);
    await next();
  };
}

export function matchRouteStage(table: RouteTable): Middleware<GatewayState> {
  return async (ctx, next) => {
    requireDefaultWorkspace(ctx.req.headers);
    const found = table.match(ctx.method, ctx.state.path);
    ctx.state.route = found?.route;
    ctx.state.pathParams = found?.params ?? {};
    await next();
  };
}
