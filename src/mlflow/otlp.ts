/**
 * The trace ids of an OTLP trace export (`POST /v1/traces`), read as MLflow's OTLP endpoint reads them
 * (mlflow/server/otel_api.py), so the gateway can require permission on every trace the export writes to (pure).
 *
 * MLflow creates the traces it does not know in the experiment of the X-Mlflow-Experiment-Id header, but adds
 * the spans of a trace it already has to that trace, in whichever experiment it is. The payload's trace ids are
 * therefore resources of the request like any other.
 *
 *  - Content-Type `application/x-protobuf` (ExportTraceServiceRequest) or `application/json` (OTLP JSON:
 *    lowerCamelCase keys, hex ids), nothing else, as MLflow.
 *  - Content-Encoding `gzip` or `deflate` (zlib, else raw), as MLflow. The decoded payload is bounded like the
 *    body and is what MLflow receives, so MLflow parses the very bytes whose ids were read.
 *  - MLflow's trace id of a span is `tr-` + its OTLP trace id as a big-endian number, in at least 32 hex digits.
 *
 * Anything the reader is not sure to read as MLflow does is refused (400): snake_case spellings in OTLP JSON,
 * repeated or mistyped trace_id fields, protobuf groups, truncated fields, spans without a trace id.
 */
import { constants, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';

import { MlgateError } from '../errors.js';
import { requireBoundedJson } from './json-shape.js';

export interface OtlpExport {
  /** The payload to forward: decompressed, so MLflow reads what was checked. */
  readonly payload: Buffer;
  /** MLflow trace ids of the spans, de-duplicated, in order of first appearance. */
  readonly traceIds: readonly string[];
}

const MEDIA_TYPES = new Set(['application/x-protobuf', 'application/json']);

export function readOtlpExport(
  body: Buffer,
  contentType: string | undefined,
  contentEncoding: string | undefined,
  maxBytes: number,
): OtlpExport {
  const mediaType = (contentType ?? '').split(';')[0]?.trim() ?? '';
  if (!MEDIA_TYPES.has(mediaType)) {
    throw invalid('An OTLP trace export must have Content-Type application/x-protobuf or application/json.');
  }
  const payload = decompress(body, (contentEncoding ?? '').toLowerCase(), maxBytes);
  const ids = mediaType === 'application/json' ? jsonTraceIds(payload) : protobufTraceIds(payload);
  return { payload, traceIds: [...new Set(ids.map(mlflowTraceId))] };
}

function decompress(body: Buffer, encoding: string, maxBytes: number): Buffer {
  const options = { maxOutputLength: maxBytes };
  try {
    switch (encoding) {
      case '':
        return body;
      case 'gzip':
        return gunzipSync(body, options);
      case 'deflate':
        try {
          return inflateSync(body, options);
        } catch (error) {
          if (isTooLarge(error)) throw error;
          return inflateRawSync(body, options);
        }
      default:
        throw invalid(`Content-Encoding "${encoding}" is not one MLflow reads for OTLP (gzip or deflate).`);
    }
  } catch (error) {
    if (error instanceof MlgateError) throw error;
    if (isTooLarge(error)) {
      throw new MlgateError('MLGATE_BODY_TOO_LARGE', undefined, { details: { limit_bytes: maxBytes } });
    }
    throw invalid(`The OTLP payload is not valid ${encoding} data.`);
  }
}

function isTooLarge(error: unknown): boolean {
  return (
    error instanceof RangeError ||
    (error as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE' ||
    (error as { errno?: unknown } | null)?.errno === constants.Z_BUF_ERROR
  );
}

/** `tr-` + the id as an unsigned big-endian number in at least 32 lower-case hex digits (MLflow's format). */
export function mlflowTraceId(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex').replace(/^0+/, '');
  return 'tr-' + hex.padStart(32, '0');
}

// --- OTLP JSON -------------------------------------------------------------------------------------------------

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

function jsonTraceIds(payload: Buffer): Uint8Array[] {
  requireBoundedJson(payload);
  let data: unknown;
  try {
    data = JSON.parse(STRICT_UTF8.decode(payload));
  } catch {
    throw invalid('The OTLP JSON payload is not valid UTF-8 JSON.');
  }
  const ids: Uint8Array[] = [];
  for (const resourceSpans of list(data, 'resourceSpans', 'resource_spans')) {
    for (const scopeSpans of list(resourceSpans, 'scopeSpans', 'scope_spans')) {
      for (const span of list(scopeSpans, 'spans', 'spans')) {
        if (Object.hasOwn(span, 'trace_id')) {
          throw snakeCase('trace_id');
        }
        const hex = span['traceId'];
        if (typeof hex !== 'string' || hex === '' || !/^(?:[0-9a-fA-F]{2})+$/.test(hex)) {
          throw invalid('Every OTLP span must have a traceId of hex digits.');
        }
        ids.push(Buffer.from(hex, 'hex'));
      }
    }
  }
  return ids;
}

/** The objects of a list field of an OTLP JSON object; the field may be absent, not null or of another type. */
function list(parent: unknown, name: string, snake: string): Record<string, unknown>[] {
  if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) {
    throw invalid('The OTLP JSON payload is not shaped as ExportTraceServiceRequest.');
  }
  const object = parent as Record<string, unknown>;
  if (snake !== name && Object.hasOwn(object, snake)) {
    throw snakeCase(snake);
  }
  if (!Object.hasOwn(object, name)) {
    return [];
  }
  const value = object[name];
  if (!Array.isArray(value) || value.some((item) => item === null || typeof item !== 'object' || Array.isArray(item))) {
    throw invalid(`"${name}" in the OTLP JSON payload must be a list of objects.`);
  }
  return value as Record<string, unknown>[];
}

function snakeCase(name: string): MlgateError {
  return invalid(`OTLP JSON uses lowerCamelCase keys; "${name}" is not read by the gateway.`);
}

// --- OTLP protobuf ---------------------------------------------------------------------------------------------

const LEN = 2;

/** ExportTraceServiceRequest.resource_spans(1) -> ResourceSpans.scope_spans(2) -> ScopeSpans.spans(2) -> Span.trace_id(1). */
function protobufTraceIds(payload: Uint8Array): Uint8Array[] {
  const ids: Uint8Array[] = [];
  for (const resourceSpans of messages(payload, 1, 'resource_spans')) {
    for (const scopeSpans of messages(resourceSpans, 2, 'scope_spans')) {
      for (const span of messages(scopeSpans, 2, 'spans')) {
        const traceIds = messages(span, 1, 'trace_id');
        const id = traceIds[0];
        if (traceIds.length !== 1 || id === undefined || id.length === 0) {
          throw invalid('Every OTLP span must have exactly one non-empty trace_id.');
        }
        ids.push(id);
      }
    }
  }
  return ids;
}

/** The values of every occurrence of length-delimited field `number` in a message; other fields are skipped. */
function messages(message: Uint8Array, number: number, name: string): Uint8Array[] {
  const found: Uint8Array[] = [];
  for (const field of fields(message)) {
    if (field.number !== number) {
      continue;
    }
    if (field.wireType !== LEN || field.bytes === undefined) {
      throw invalid(`The OTLP protobuf payload has a "${name}" field of the wrong wire type.`);
    }
    found.push(field.bytes);
  }
  return found;
}

interface Field {
  readonly number: number;
  readonly wireType: number;
  readonly bytes?: Uint8Array;
}

/** The fields of a protobuf message (wire format); groups and truncated fields are refused. */
export function fields(message: Uint8Array): Field[] {
  const out: Field[] = [];
  let at = 0;
  const varint = (): bigint => {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (at >= message.length) {
        throw truncated();
      }
      const byte = message[at++] as number;
      value |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) {
        return value;
      }
    }
    throw invalid('The OTLP protobuf payload has a malformed varint.');
  };
  while (at < message.length) {
    const key = varint();
    const number = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (number === 0 || key >> 3n > 0x1fffffffn) {
      throw invalid('The OTLP protobuf payload has an invalid field number.');
    }
    switch (wireType) {
      case 0:
        varint();
        out.push({ number, wireType });
        break;
      case 1:
      case 5: {
        const size = wireType === 1 ? 8 : 4;
        if (at + size > message.length) throw truncated();
        at += size;
        out.push({ number, wireType });
        break;
      }
      case LEN: {
        const length = varint();
        if (length > BigInt(message.length - at)) throw truncated();
        const end = at + Number(length);
        out.push({ number, wireType, bytes: message.subarray(at, end) });
        at = end;
        break;
      }
      default:
        throw invalid(
          'The OTLP protobuf payload has a group or an unknown wire type, which the gateway does not read.',
        );
    }
  }
  return out;
}

function truncated(): MlgateError {
  return invalid('The OTLP protobuf payload is truncated.');
}

function invalid(message: string): MlgateError {
  return new MlgateError('MLGATE_REQUEST_INVALID', message);
}
