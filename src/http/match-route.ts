/** What is being asked: the catalogue entry of the request (undefined for an unknown route). */
import type { Middleware } from 'koa';

import type { RouteTable } from '../mlflow/match.js';
import type { GatewayState } from './state.js';

export function matchRouteStage(table: RouteTable): Middleware<GatewayState> {
  return async (ctx, next) => {
    ctx.state.route = table.match(ctx.method, ctx.state.path);
    await next();
  };
}
