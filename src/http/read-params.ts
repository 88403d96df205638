/**
 * Request parameters, read where MLflow reads them. The body of every authenticated request on a catalogued
 * route is read whole (up to server.max_json_body_bytes, else 413) and later replayed to MLflow with an explicit
 * Content-Length, so MLflow acts on exactly the bytes the gateway checked, and no caller can send MLflow an
 * unbounded body. Bodies of unknown routes (administrators only) are streamed.
 */
import type { IncomingMessage } from 'node:http';

import type { Middleware } from 'koa';

import { MlgateError } from '../errors.js';
import { parseJsonBody, parseQuery, readsBody } from '../mlflow/params.js';
import type { GatewayState } from './state.js';

export function readParamsStage(deps: { readonly maxBodyBytes: number }): Middleware<GatewayState> {
  return async (ctx, next) => {
    const route = ctx.state.route;
    if (route !== undefined && route.body === 'stream' && ctx.state.principal?.authenticated === true) {
      // An artifact upload: never buffered; its parameters are in the path and the query string.
      ctx.state.params = { source: 'query', query: parseQuery(ctx.querystring) };
    } else if (route !== undefined && ctx.state.principal?.authenticated === true) {
      const body = await readBody(ctx.req, deps.maxBodyBytes);
      ctx.state.body = body;
      // MLflow reads a GraphQL request from the body even on a GET with a query string.
      ctx.state.params =
        readsBody(ctx.method, ctx.querystring) || route.body === 'graphql'
          ? { source: 'body', body: parseJsonBody(body, ctx.method, ctx.get('content-type') || undefined) }
          : { source: 'query', query: parseQuery(ctx.querystring) };
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

/**
 * The rest of the body is never passed on: Node discards it after the answer (bounded by the server's body idle and
 * request timeouts), so the client, still sending, reads the 413 instead of a reset connection.
 */
function tooLarge(limit: number): MlgateError {
  return new MlgateError('MLGATE_BODY_TOO_LARGE', undefined, { details: { limit_bytes: limit } });
}
