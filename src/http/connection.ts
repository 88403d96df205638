/**
 * The state of a request's connection. Node types `req.socket` as always present, but detaches it (null) once the
 * exchange is over, so every read of it goes through here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** The request's socket, or null once Node has detached it. */
export function socketOf(req: IncomingMessage): Socket | null {
  const socket: Socket | null = req.socket;
  return socket;
}

/** True when the request's connection is closed, or no longer the request's. */
export function socketGone(req: IncomingMessage): boolean {
  return socketOf(req)?.destroyed ?? true;
}

/** True when the client's connection is closed: nothing can be answered any more. */
export function clientGone(req: IncomingMessage, res: ServerResponse): boolean {
  return res.destroyed || socketGone(req);
}
