/**
 * Forwards requests to MLflow with http-proxy: responses are streamed; a
 * request body the gateway had to read is replayed byte for byte; for the
 * few operations whose response the gateway must read, the response is
 * buffered and handed to a callback before it is sent.
 */
import type http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

import httpProxy from 'http-proxy';

import { MlgateError } from '../errors.js';
import { uploadTooLarge } from '../http/read-params.js';
import { clientGone } from '../http/connection.js';
import { ByteLimit, ByteLimitExceeded } from './byte-limit.js';
import { upstreamHeaders } from './headers.js';
import { upstreamConnections } from './upstream-connections.js';

/** The upstream answer of a captured response, and what to send instead. */
export interface CapturedResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export type ResponseHook = (response: CapturedResponse) => Promise<CapturedResponse>;

export interface ForwardOptions {
  readonly requestId: string;
  /** The request body, when the gateway has read it. */
  readonly body?: Buffer;
  /** Buffer the response and pass it through this hook. */
  readonly onResponse?: ResponseHook;
  /**
   * For a body the gateway did not read (a streamed upload): the most bytes passed on. Past it, MLflow's request is
   * aborted (MLflow never sees a complete body), the rest of the client's body is discarded, and forward() rejects
   * with MLGATE_BODY_TOO_LARGE (413) if nothing was answered yet.
   */
  readonly streamLimit?: number;
}

/**
 * How a forwarded request ended: the answer was sent whole; the client was gone before anything was sent to MLflow
 * (nothing was proxied); the client went away after the request was proxied; or MLflow failed after the answer had
 * begun, so the client's connection was cut.
 */
export type ForwardOutcome = 'sent' | 'client-gone' | 'client-closed' | 'upstream-cut';

export interface Upstream {
  /**
   * Settles once the exchange is over, whichever way it ended (with onResponse, not before the hook has run, even
   * when the client left earlier); rejects (before anything was sent to the client) when MLflow cannot be reached.
   */
  forward(req: IncomingMessage, res: ServerResponse, options: ForwardOptions): Promise<ForwardOutcome>;
  close(): void;
}

export function createUpstream(options: {
  readonly url: string;
  readonly timeoutMs: number;
  /** Keep connections to MLflow open between requests (upstream.keep_alive); by default, one per request. */
  readonly keepAlive?: boolean;
  /** Request headers never passed on, besides the fixed list of headers.ts (lower-case names). */
  readonly strippedHeaders?: readonly string[];
  /** The gateway's own cookies (session, login, their signatures): never passed on to MLflow. */
  readonly strippedCookies?: readonly string[];
  /** The client's address (through server.trusted_proxies), passed on as the first X-Forwarded-For entry. */
  readonly clientAddress?: (request: {
    readonly peerAddress: string;
    readonly headers: http.IncomingHttpHeaders;
  }) => string;
}): Upstream {
  const target = new URL(options.url);
  const alsoStripped = new Set((options.strippedHeaders ?? []).map((name) => name.toLowerCase()));
  const strippedCookies = new Set(options.strippedCookies ?? []);
  const { agent, connection } = upstreamConnections({
    url: target,
    keepAlive: options.keepAlive ?? false,
    maxSockets: 256,
  });
  const proxy = httpProxy.createProxyServer({
    target: options.url,
    changeOrigin: true,
    xfwd: true,
    agent,
    proxyTimeout: options.timeoutMs,
  });
  // The proxy (xfwd) appends the peer to X-Forwarded-For; the client goes before it only when a trusted proxy
  // stands between them (otherwise the peer is the client, once).
  const forwardedClient = (req: IncomingMessage): string | undefined => {
    const peer = req.socket.remoteAddress ?? '';
    const client = options.clientAddress?.({ peerAddress: peer, headers: req.headers });
    return client === undefined || client === peer ? undefined : client;
  };
  const hooks = new WeakMap<IncomingMessage, (proxyRes: IncomingMessage) => void>();
  const onProxyReq = new WeakMap<IncomingMessage, (proxyReq: http.ClientRequest) => void>();
  proxy.on('proxyReq', (proxyReq, req) => onProxyReq.get(req)?.(proxyReq));
  const cutOnUpstreamFailure = new WeakMap<IncomingMessage, () => void>();
  proxy.on('proxyRes', (proxyRes, req, res) => {
    // Connection headers are hop-by-hop both ways: the client's connection is the client's (kept alive unless it
    // asked otherwise, as Node decided when it read the request), whatever MLflow said of its own.
    proxyRes.headers['connection'] = res.shouldKeepAlive ? 'keep-alive' : 'close';
    delete proxyRes.headers['keep-alive'];
    const hook = hooks.get(req);
    if (hook !== undefined) {
      hook(proxyRes);
      return;
    }
    // The client went away before the answer was sent whole: the rest of MLflow's answer is dropped with its
    // connection. http-proxy only unpipes it, and left paused it held the connection (one of the agent's sockets)
    // until upstream.timeout_ms: a few hundred downloads abandoned midway stalled every proxied request.
    const drop = (): void => {
      if (!proxyRes.complete) proxyRes.destroy();
    };
    if (res.destroyed) {
      drop();
    } else {
      res.once('close', () => {
        if (!res.writableFinished) drop();
      });
    }
    // MLflow went away in the middle of a streamed response: nothing can be said to the client any more,
    // so its connection is cut (a truncated body must not look complete, and the request must not hang).
    proxyRes.once('close', () => {
      if (!proxyRes.complete) {
        cutOnUpstreamFailure.get(req)?.();
        res.destroy();
      }
    });
  });

  return {
    forward(req, res, forwardOptions) {
      // A client that is already gone would never see the answer, and its response's 'close' has already fired,
      // so nothing would ever settle this request: refuse it before anything reaches MLflow.
      if (clientGone(req, res)) {
        return Promise.resolve('client-gone');
      }
      req.headers = upstreamHeaders(
        req.headers,
        forwardOptions.requestId,
        forwardOptions.body?.length,
        alsoStripped,
        strippedCookies,
        forwardedClient(req),
      );
      const started = Date.now();
      return new Promise<ForwardOutcome>((resolve, reject) => {
        let settled = false;
        let cut = false;
        const settle = (error?: Error): void => {
          if (!settled) {
            settled = true;
            if (error !== undefined) reject(error);
            else if (res.writableFinished) resolve('sent');
            else resolve(cut ? 'upstream-cut' : 'client-closed');
          }
        };
        const hook = forwardOptions.onResponse;
        // A hook still to run or running is part of the exchange (it may decide rows with the request's policy
        // snapshot, which is released when the request ends): a client that left meanwhile is settled after it.
        let hookPending = hook !== undefined;
        let closedMeanwhile = false;
        // Registered in the same tick as the check above, so a close cannot slip in between.
        res.once('close', () => {
          if (hookPending) closedMeanwhile = true;
          else settle();
        });
        cutOnUpstreamFailure.set(req, () => (cut = true));
        const limited =
          forwardOptions.body === undefined && forwardOptions.streamLimit !== undefined
            ? limitBody(req, forwardOptions.streamLimit, (register) => onProxyReq.set(req, register))
            : undefined;
        if (hook !== undefined) {
          hooks.set(req, (proxyRes) => {
            collect(proxyRes)
              .then((body) => hook({ status: proxyRes.statusCode ?? 502, headers: proxyRes.headers, body }))
              .then((answer) => {
                // Nobody to answer any more.
                if (!closedMeanwhile) send(res, answer);
              })
              .catch((error: unknown) => settle(error instanceof Error ? error : new Error(String(error))))
              .finally(() => {
                hookPending = false;
                if (closedMeanwhile) settle();
              });
          });
        }
        proxy.web(
          req,
          res,
          {
            ...(forwardOptions.body === undefined ? {} : { buffer: Readable.from([forwardOptions.body]) }),
            ...(limited === undefined ? {} : { buffer: limited.stream }),
            selfHandleResponse: hook !== undefined,
            // The client's own Connection header was dropped (hop-by-hop); this one is the gateway's to MLflow. It is
            // given with the request's headers ('proxyReq' comes when a socket is assigned, which for a streamed
            // upload can be after the headers went out), and not in req.headers, which http-proxy answers an HTTP/1.0
            // client with.
            headers: { connection },
          },
          (error) => {
            if (limited?.exceeded() === true && !res.headersSent) {
              settle(uploadTooLarge(limited.stream.limit));
              return;
            }
            if (res.headersSent) {
              cut = true;
              res.destroy(error);
              settle();
              return;
            }
            const timedOut = Date.now() - started >= options.timeoutMs;
            settle(
              new MlgateError(timedOut ? 'MLGATE_UPSTREAM_TIMEOUT' : 'MLGATE_UPSTREAM_UNAVAILABLE', undefined, {
                cause: error,
              }),
            );
          },
        );
      });
    },
    close() {
      proxy.close();
      agent.destroy();
    },
  };
}

/**
 * The client's body piped through a ByteLimit, which http-proxy sends on instead of the request itself. Past the
 * limit, MLflow's request is destroyed (as soon as it exists) and the rest of the client's body is read and
 * dropped, so that the client, still sending, gets the answer.
 */
function limitBody(
  req: IncomingMessage,
  limit: number,
  onProxyReq: (register: (proxyReq: http.ClientRequest) => void) => void,
): { readonly stream: ByteLimit; exceeded(): boolean } {
  const stream = new ByteLimit(limit);
  let exceeded: ByteLimitExceeded | undefined;
  let upstreamRequest: http.ClientRequest | undefined;
  onProxyReq((proxyReq) => {
    upstreamRequest = proxyReq;
    if (exceeded !== undefined) {
      proxyReq.destroy(exceeded);
    }
  });
  stream.once('error', (error) => {
    exceeded = error instanceof ByteLimitExceeded ? error : new ByteLimitExceeded(limit);
    req.unpipe(stream);
    req.resume();
    upstreamRequest?.destroy(exceeded);
  });
  req.pipe(stream);
  return { stream, exceeded: () => exceeded !== undefined };
}

function collect(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
    stream.on('close', () => {
      if (!stream.complete) {
        reject(
          new MlgateError('MLGATE_UPSTREAM_UNAVAILABLE', 'MLflow closed the connection in the middle of its answer.'),
        );
      }
    });
  });
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'te',
  'trailer',
  'upgrade',
]);

function send(res: ServerResponse, answer: CapturedResponse): void {
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) {
      res.setHeader(name, value);
    }
  }
  res.setHeader('content-length', answer.body.length);
  res.writeHead(answer.status);
  res.end(answer.body);
}
