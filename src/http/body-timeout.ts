/**
 * Cuts the connection of a client that announced a request body and stopped sending it. Node's own timeouts
 * bound the headers and the whole request; this bounds the silence while a body is still incoming.
 *
 * Progress is read from the socket's byte counter, so the body stream is never touched (no 'data' listener:
 * it stays paused until a stage reads it, and http-proxy pipes it as usual). Silence while the request's buffer
 * is full is not the client's fault (the gateway or MLflow is not reading yet) and does not count. Once the body
 * is complete the watch ends, so a request waiting for MLflow's answer is never cut by it.
 */
import type { IncomingMessage } from 'node:http';

import type { Middleware } from 'koa';

import { socketOf } from './connection.js';
import type { GatewayState } from './state.js';

export interface BodyWatch {
  /** Bytes the socket had read at the last progress. */
  readonly bytesRead: number;
  /** When progress was last seen (ms). */
  readonly progressAt: number;
}

export interface BodyObservation {
  readonly bytesRead: number;
  readonly now: number;
  /** The request's buffer is full: the socket is not being read, whatever the client does. */
  readonly backpressured: boolean;
}

/** One check of a body being received (pure): the updated watch, and whether the client has stalled. */
export function checkBody(
  watch: BodyWatch,
  seen: BodyObservation,
  idleMs: number,
): { readonly watch: BodyWatch; readonly stalled: boolean } {
  if (seen.bytesRead !== watch.bytesRead || seen.backpressured) {
    return { watch: { bytesRead: seen.bytesRead, progressAt: seen.now }, stalled: false };
  }
  return { watch, stalled: seen.now - watch.progressAt >= idleMs };
}

/** True when the request announces a body (chunked, or a non-zero Content-Length). */
export function announcesBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * Watches the body of `req` until it is complete or the connection closes; calls `onStall` (once) when no byte
 * arrived for `idleMs` while the gateway was ready to read. Returns a function that ends the watch.
 */
export function watchBody(
  req: IncomingMessage,
  idleMs: number,
  onStall: () => void,
  now: () => number = Date.now,
): () => void {
  const socket = socketOf(req);
  if (req.complete || !announcesBody(req) || socket === null) {
    return () => undefined;
  }
  let watch: BodyWatch = { bytesRead: socket.bytesRead, progressAt: now() };
  const timer = setInterval(
    () => {
      if (req.complete || socket.destroyed) {
        stop();
        return;
      }
      const checked = checkBody(
        watch,
        {
          bytesRead: socket.bytesRead,
          now: now(),
          backpressured: req.readableLength >= req.readableHighWaterMark,
        },
        idleMs,
      );
      watch = checked.watch;
      if (checked.stalled) {
        stop();
        onStall();
      }
    },
    Math.max(50, Math.floor(idleMs / 4)),
  );
  timer.unref();
  const stop = (): void => {
    clearInterval(timer);
    req.off('close', stop);
  };
  req.once('close', stop);
  return stop;
}

/** The stage: a stalled body cuts the connection, and the access log says why (408, body_idle_timeout). */
export function bodyTimeoutStage(idleMs: number): Middleware<GatewayState> {
  return async (ctx, next) => {
    watchBody(ctx.req, idleMs, () => {
      ctx.state.outcome = 'body_idle_timeout';
      socketOf(ctx.req)?.destroy();
    });
    await next();
  };
}
