/**
 * How the gateway connects to MLflow (upstream.keep_alive): one connection per request, or kept-alive
 * connections.
 *
 * A kept-alive connection pays about 40 ms per request when MLflow's server leaves Nagle's algorithm on, as
 * `mlflow server --workers N` (N > 1, uvicorn) does: each answer is written in two pieces (headers, then body),
 * and the body waits for the gateway's delayed ACK of the headers. Linux delays that ACK once a connection carries
 * requests back to back, and never on a fresh connection's first answer, so a connection per request never
 * stalls. docs/operations.md has the packet trace.
 */
import http from 'node:http';
import https from 'node:https';

import { IDLE_SOCKET_TIMEOUT_MS } from './idle-sockets.js';

export interface UpstreamConnections {
  readonly agent: http.Agent;
  /**
   * The Connection header of every request to MLflow. `close` when each request has its own connection, so that
   * MLflow knows it too (Node would otherwise announce keep-alive for an agent with a socket limit).
   */
  readonly connection: 'close' | 'keep-alive';
}

export interface UpstreamConnectionOptions {
  readonly url: URL;
  /** Keep connections to MLflow open between requests (upstream.keep_alive). */
  readonly keepAlive: boolean;
  /** Most connections open to MLflow at once; further requests wait for one. */
  readonly maxSockets: number;
}

export function upstreamConnections(options: UpstreamConnectionOptions): UpstreamConnections {
  const Agent = options.url.protocol === 'https:' ? https.Agent : http.Agent;
  if (options.keepAlive) {
    return {
      agent: new Agent({ keepAlive: true, maxSockets: options.maxSockets, timeout: IDLE_SOCKET_TIMEOUT_MS }),
      connection: 'keep-alive',
    };
  }
  return { agent: new Agent({ keepAlive: false, maxSockets: options.maxSockets }), connection: 'close' };
}
