/** The one place errors become responses: JSON in MLflow's error format, with a stable mlgate code. */
import type { Middleware } from 'koa';

import { errorBody, toMlgateError } from '../errors.js';
import { socketGone } from './connection.js';
import type { GatewayState } from './state.js';

/** True for the error a request stream raises when its client's connection closes mid-body. */
function abandoned(thrown: unknown, connectionClosed: boolean): boolean {
  return connectionClosed && (thrown as NodeJS.ErrnoException | null)?.code === 'ECONNRESET';
}

export function errorBoundary(): Middleware<GatewayState> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (thrown) {
      const error = toMlgateError(thrown);
      const log = ctx.state.logger;
      if (error.status >= 500 && abandoned(thrown, socketGone(ctx.req))) {
        // The client went away while its request was being read: nothing failed on this side.
        log.info('request abandoned by the client', { code: error.code, err: thrown });
      } else if (error.status >= 500) {
        // `err`: pino's error serializer writes the stack and the cause chain.
        log.error('request failed', { code: error.code, err: thrown });
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
        ctx.set(name, typeof value === 'string' ? value : [...value]);
      }
      ctx.body = errorBody(error, ctx.state.requestId);
    }
  };
}
