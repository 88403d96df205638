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
import { type RequestParams, parseJsonBody, parseQuery, readsBody } from '../mlflow/params.js';
import type { RouteSpec } from '../mlflow/route-spec.js';
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
    }
    const body = route.body === 'stream' ? undefined : await readBody(ctx.req, deps.maxBodyBytes);
    const read = requestParams(route, {
      method: ctx.method,
      query,
      ...(body === undefined ? {} : { body }),
      // An OTLP export's media type and encoding decide how it is read: each must be sent once.
      contentType:
        route.body === 'otlp' ? singleHeader(ctx.req.rawHeaders, 'content-type') : ctx.get('content-type') || undefined,
      contentEncoding: route.body === 'otlp' ? singleHeader(ctx.req.rawHeaders, 'content-encoding') : undefined,
      maxBodyBytes: deps.maxBodyBytes,
    });
    if (read.body !== undefined) {
      ctx.state.body = read.body;
    }
    if (read.otlpTraceIds !== undefined) {
      // MLflow then receives the export decompressed.
      ctx.state.otlpTraceIds = read.otlpTraceIds;
      delete ctx.req.headers['content-encoding'];
    }
    ctx.state.params = read.params;
    await next();
  };
}

/** What a catalogued request's parameters are, once its body (when the route reads one) is in hand. */
export interface ReadParams {
  readonly params: RequestParams;
  /** The body to replay to MLflow (an OTLP export decompressed); absent for a streamed upload. */
  readonly body?: Buffer;
  /** The MLflow trace ids of an OTLP export. */
  readonly otlpTraceIds?: readonly string[];
}

/**
 * Where MLflow reads a request's parameters (pure): a streamed upload's from the query string; an OTLP export's
 * trace ids from its payload; a GraphQL request's from the body, even on a GET; any other request's from the query
 * string of a GET that has one, else from the JSON body. Shared by the pipeline and `mlgate explain`.
 */
export function requestParams(
  route: Pick<RouteSpec, 'body'>,
  request: {
    readonly method: string;
    readonly query: URLSearchParams;
    /** The whole body; absent (or ignored) for a streamed upload. */
    readonly body?: Buffer;
    readonly contentType: string | undefined;
    readonly contentEncoding?: string | undefined;
    readonly maxBodyBytes: number;
  },
): ReadParams {
  const { method, query } = request;
  if (route.body === 'stream') {
    return { params: { source: 'query', query } };
  }
  const body = request.body ?? Buffer.alloc(0);
  if (route.body === 'otlp') {
    const exported = readOtlpExport(body, request.contentType, request.contentEncoding, request.maxBodyBytes);
    return { params: { source: 'query', query }, body: exported.payload, otlpTraceIds: exported.traceIds };
  }
  return {
    params:
      readsBody(method, query) || route.body === 'graphql'
        ? { source: 'body', body: parseJsonBody(body, method, request.contentType) }
        : { source: 'query', query },
    body,
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
