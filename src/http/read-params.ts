/**
 * Request parameters, read where MLflow reads them. The body of every authenticated request on a catalogued
 * route is read whole (up to server.max_json_body_bytes, else 413) and later replayed to MLflow with an explicit
 * Content-Length, so MLflow acts on exactly the bytes the gateway checked, and no caller can send MLflow an
 * unbounded body. Bodies of unknown routes (administrators only) are streamed.
 */
import type { IncomingMessage } from 'node:http';

import type { Middleware } from 'koa';

import { MlgateError } from '../errors.js';
import { readOtlpExport } from '../mlflow/otlp.js';
import { parseJsonBody, parseQuery, readsBody } from '../mlflow/params.js';
import { rawHeaderValues } from './raw-headers.js';
import type { GatewayState } from './state.js';

export function readParamsStage(deps: {
  readonly maxBodyBytes: number;
  readonly maxArtifactUploadBytes: number;
}): Middleware<GatewayState> {
  return async (ctx, next) => {
    const route = ctx.state.route;
    if (route === undefined || ctx.state.principal?.authenticated !== true) {
      await next();
      return;
    }
    // Parsed (and its escapes checked) once; later stages read it from the state.
    const query = parseQuery(ctx.querystring);
    ctx.state.query = query;
    if (route.body === 'stream') {
      // An artifact upload: never buffered; its parameters are in the path and the query string. One that says
      // it is larger than the limit is refused before anything else; one that grows past it while it is streamed
      // is cut then (proxy/upstream.ts).
      const declared = Number(ctx.req.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > deps.maxArtifactUploadBytes) {
        throw uploadTooLarge(deps.maxArtifactUploadBytes);
      }
      ctx.state.params = { source: 'query', query };
    } else if (route.body === 'otlp') {
      // An OTLP trace export: its ids are in the payload, which MLflow then receives decompressed.
      const exported = readOtlpExport(
        await readBody(ctx.req, deps.maxBodyBytes),
        singleHeader(ctx.req.rawHeaders, 'content-type'),
        singleHeader(ctx.req.rawHeaders, 'content-encoding'),
        deps.maxBodyBytes,
      );
      ctx.state.body = exported.payload;
      ctx.state.otlpTraceIds = exported.traceIds;
      delete ctx.req.headers['content-encoding'];
      ctx.state.params = { source: 'query', query };
    } else {
      const body = await readBody(ctx.req, deps.maxBodyBytes);
      ctx.state.body = body;
      // MLflow reads a GraphQL request from the body even on a GET with a query string.
      ctx.state.params =
        readsBody(ctx.method, query) || route.body === 'graphql'
          ? { source: 'body', body: parseJsonBody(body, ctx.method, ctx.get('content-type') || undefined) }
          : { source: 'query', query };
    }
    await next();
  };
}

/** A header sent at most once; a repeated one is refused rather than read one way here and another in MLflow. */
function singleHeader(rawHeaders: readonly string[], name: string): string | undefined {
  const values = rawHeaderValues(rawHeaders, name);
  if (values.length > 1) {
    throw new MlgateError('MLGATE_REQUEST_INVALID', `The request repeats the ${name} header; send it once.`);
  }
  return values[0];
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

/** An artifact upload larger than server.max_artifact_upload_bytes. */
export function uploadTooLarge(limit: number): MlgateError {
  return new MlgateError(
    'MLGATE_BODY_TOO_LARGE',
    `The artifact upload is larger than the gateway accepts (server.max_artifact_upload_bytes, ${limit} bytes). ` +
      'Upload a smaller file, or ask an operator to raise the limit.',
    { details: { limit_bytes: limit } },
  );
}

/**
 * The rest of the body is never passed on: Node discards it after the answer (bounded by the server's body idle and
 * request timeouts), so the client, still sending, reads the 413 instead of a reset connection.
 */
function tooLarge(limit: number): MlgateError {
  return new MlgateError('MLGATE_BODY_TOO_LARGE', undefined, { details: { limit_bytes: limit } });
}
