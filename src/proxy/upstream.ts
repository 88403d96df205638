/**
 * Forwards requests to MLflow with http-proxy: responses are streamed; a
 * request body the gateway had to read is replayed byte for byte; for the
 * few operations whose response the gateway must read, the response is
 * buffered and handed to a callback before it is sent.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';

import httpProxy from 'http-proxy';

import { MlgateError } from '../errors.js';
import { upstreamHeaders } from './headers.js';

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
}

export interface Upstream {
  /** Resolves when the response has been sent; rejects (before anything was sent) when MLflow cannot be reached. */
  forward(req: IncomingMessage, res: ServerResponse, options: ForwardOptions): Promise<void>;
  close(): void;
}

export function createUpstream(options: { readonly url: string; readonly timeoutMs: number }): Upstream {
  const target = new URL(options.url);
  const agent =
    target.protocol === 'https:'
      ? new https.Agent({ keepAlive: true, maxSockets: 256 })
      : new http.Agent({ keepAlive: true, maxSockets: 256 });
  const proxy = httpProxy.createProxyServer({
    target: options.url,
    changeOrigin: true,
    xfwd: true,
    agent,
    proxyTimeout: options.timeoutMs,
  });
  const hooks = new WeakMap<IncomingMessage, (proxyRes: IncomingMessage) => void>();
  proxy.on('proxyRes', (proxyRes, req, res) => {
    const hook = hooks.get(req);
    if (hook !== undefined) {
      hook(proxyRes);
      return;
    }
    // MLflow went away in the middle of a streamed response: nothing can be said to the client any more,
    // so its connection is cut (a truncated body must not look complete, and the request must not hang).
    proxyRes.once('close', () => {
      if (!proxyRes.complete) {
        res.destroy();
      }
    });
  });

  return {
    forward(req, res, forwardOptions) {
      req.headers = upstreamHeaders(req.headers, forwardOptions.requestId, forwardOptions.body?.length);
      const started = Date.now();
      return new Promise<void>((resolve, reject) => {
        let settled = false;
        const settle = (error?: Error): void => {
          if (!settled) {
            settled = true;
            if (error === undefined) resolve();
            else reject(error);
          }
        };
        res.once('close', () => settle());
        const hook = forwardOptions.onResponse;
        if (hook !== undefined) {
          hooks.set(req, (proxyRes) => {
            collect(proxyRes)
              .then((body) => hook({ status: proxyRes.statusCode ?? 502, headers: proxyRes.headers, body }))
              .then(
                (answer) => send(res, answer),
                (error: unknown) => settle(error instanceof Error ? error : new Error(String(error))),
              );
          });
        }
        proxy.web(
          req,
          res,
          {
            ...(forwardOptions.body === undefined ? {} : { buffer: Readable.from([forwardOptions.body]) }),
            selfHandleResponse: hook !== undefined,
          },
          (error) => {
            if (res.headersSent) {
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
