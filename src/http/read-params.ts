/**
 * Request parameters, read where MLflow reads them. Only routes that name
 * resources, or whose response the gateway builds, have their parameters
 * read; the JSON body is then buffered (up to server.max_json_body_bytes)
 * and later replayed to MLflow byte for byte. Every other body is streamed.
 */
import type { IncomingMessage } from 'node:http';

import type { Middleware } from 'koa';

import { MlgateError } from '../errors.js';
import { parseJsonBody, parseQuery, readsBody } from '../mlflow/params.js';
import type { GatewayState } from './state.js';

export function readParamsStage(deps: { readonly maxBodyBytes: number }): Middleware<GatewayState> {
  return async (ctx, next) => {
    const route = ctx.state.route;
    const needsParams = route !== undefined && (route.targets.length > 0 || route.handling === 'filter-experiments');
    if (needsParams && ctx.state.principal?.authenticated === true) {
      if (readsBody(ctx.method, ctx.querystring)) {
        const body = await readBody(ctx.req, deps.maxBodyBytes);
        ctx.state.body = body;
        ctx.state.params = {
          source: 'body',
          body: parseJsonBody(body, ctx.method, ctx.get('content-type') || undefined),
        };
      } else {
        ctx.state.params = { source: 'query', query: parseQuery(ctx.querystring) };
      }
    }
    await next();
  };
}

/** Reads the whole request body, refusing (413) more than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    throw tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      throw tooLarge(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limit: number): MlgateError {
  return new MlgateError('MLGATE_BODY_TOO_LARGE', undefined, { details: { limit_bytes: limit } });
}
