/**
 * First stage: request id, request time, per-request logger and the access log line. The path is
 * percent-decoded by the next stage (inside the error boundary); until then it is the raw path.
 */
import { randomUUID } from 'node:crypto';

import type { Middleware } from 'koa';

import type { Logger } from '../logging.js';
import { accessOutcome } from './outcome.js';
import type { GatewayState } from './state.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestContext(logger: Logger, now: () => Date = () => new Date()): Middleware<GatewayState> {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const started = process.hrtime.bigint();
    ctx.state.requestId = requestId;
    ctx.state.now = now();
    ctx.state.logger = logger.child({ request_id: requestId });
    ctx.state.path = ctx.path;
    ctx.set('x-request-id', requestId);
    try {
      await next();
    } finally {
      const state = ctx.state;
      const { outcome, status } = accessOutcome({
        recorded: state.outcome,
        status: ctx.respond === false ? ctx.res.statusCode : ctx.status,
        responseFinished: ctx.res.writableFinished,
        connectionClosed: ctx.res.destroyed || ctx.req.socket.destroyed,
      });
      state.logger.info('request', {
        method: ctx.method,
        path: state.path,
        status,
        outcome,
        ...(state.forwarded === undefined ? {} : { forwarded: state.forwarded }),
        duration_ms: Number(process.hrtime.bigint() - started) / 1e6,
        user: state.principal?.username ?? null,
        auth: state.principal?.method,
        operation: state.route?.operation ?? null,
        allow: state.decision?.allow,
        reasons: state.decision?.reasons,
      });
    }
  };
}
