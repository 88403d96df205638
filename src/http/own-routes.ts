/** Paths under /_mlgate/ belong to the gateway: an unknown one is a 404, never forwarded to MLflow. */
import type { Middleware } from 'koa';

import { MlgateError } from '../errors.js';
import { OWN_PREFIX } from './health-routes.js';
import type { GatewayState } from './state.js';

export function ownRoutesNotFound(): Middleware<GatewayState> {
  return async (ctx, next) => {
    if (ctx.state.path === OWN_PREFIX || ctx.state.path.startsWith(OWN_PREFIX + '/')) {
      throw new MlgateError('MLGATE_NOT_FOUND');
    }
    await next();
  };
}
