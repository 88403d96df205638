/**
 * First stage: request id (see request-id.ts), request time, per-request logger and the access log line. The path is
 * percent-decoded by the next stage (inside the error boundary); until then it is the raw path.
 */
import { randomUUID } from 'node:crypto';

import type { Middleware } from 'koa';

import type { Logger } from '../logging.js';
import { clientGone } from './connection.js';
import { accessOutcome } from './outcome.js';
import { acceptClientRequestId } from './request-id.js';
import type { GatewayState } from './state.js';

export function requestContext(logger: Logger, now: () => Date = () => new Date()): Middleware<GatewayState> {
  return async (ctx, next) => {
    // Koa joins a repeated header with ", ", which is not well-formed: a repeated X-Request-Id is dropped.
    const clientRequestId = acceptClientRequestId(ctx.get('x-request-id') || undefined);
    const requestId = randomUUID();
    const started = process.hrtime.bigint();
    ctx.state.requestId = requestId;
    ctx.state.now = now();
    ctx.state.logger = logger.child({
      request_id: requestId,
      ...(clientRequestId === undefined ? {} : { client_request_id: clientRequestId }),
    });
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
        connectionClosed: clientGone(ctx.req, ctx.res),
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
