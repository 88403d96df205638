/**
 * Paths under /_mlgate/ belong to the gateway: they are answered by its own router, an unknown one is a 404,
 * and none is ever forwarded to MLflow. Other paths skip the router entirely.
 */
import type { Middleware } from 'koa';
import type Router from 'koa-router';

import { MlgateError } from '../errors.js';
import type { GatewayState } from './state.js';

export const OWN_PREFIX = '/_mlgate';

export function ownRoutes(router: Router<GatewayState>): Middleware<GatewayState> {
  const routes = router.routes();
  const notFound = (): Promise<never> => Promise.reject(new MlgateError('MLGATE_NOT_FOUND'));
  return async (ctx, next) => {
    if (ctx.state.path === OWN_PREFIX || ctx.state.path.startsWith(OWN_PREFIX + '/')) {
      await routes(ctx, notFound);
      return;
    }
    await next();
  };
}
