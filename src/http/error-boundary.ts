/** The one place errors become responses: JSON in MLflow's error format, with a stable mlgate code. */
import type { Middleware } from 'koa';

import { errorBody, toMlgateError } from '../errors.js';
import type { GatewayState } from './state.js';

export function errorBoundary(): Middleware<GatewayState> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (thrown) {
      const error = toMlgateError(thrown);
      const log = ctx.state.logger;
      if (error.status >= 500) {
        log.error('request failed', { code: error.code, error: thrown, cause: error.cause });
      } else {
        log.debug('request refused', { code: error.code, message: error.message });
      }
      if (ctx.res.headersSent) {
        ctx.res.destroy();
        return;
      }
      ctx.respond = true;
      ctx.status = error.status;
      ctx.set('cache-control', 'no-store');
      for (const [name, value] of Object.entries(error.headers)) {
        ctx.set(name, value);
      }
      ctx.body = errorBody(error, ctx.state.requestId);
    }
  };
}
