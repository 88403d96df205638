/**
 * Reads request parameters the way MLflow's server does (pure), so the id
 * the gateway authorizes is the id MLflow acts on:
 *  - a GET with a non-empty query string is read from the query string
 *    (snake_case names only; repeated keys for lists);
 *  - any other request, including a GET without a query string and HEAD, is
 *    read from the JSON body; a body that is a JSON string holding JSON is
 *    decoded twice; lowerCamelCase aliases are accepted.
 * Anything ambiguous (two spellings, repeated scalar keys with different
 * values, run_id and run_uuid that disagree, ids that are not strings) is
 * refused with 400 rather than guessed.
 */
import { MlgateError } from '../errors.js';
import { requireBoundedJson } from './json-shape.js';

export type RequestParams =
  | { readonly source: 'query'; readonly query: URLSearchParams }
  | {
      readonly source: 'body';
      readonly body: Readonly<Record<string, unknown>>;
      /**
       * Only the snake_case names, as a Flask handler reading `request.json` sees them (no protobuf
       * lowerCamelCase aliases).
       */
      readonly exactNames?: boolean;
    };

/**
 * The query string parsed as MLflow's server (werkzeug) parses it. `querystring` is everything after the first
 * "?"; a further leading "?" belongs to the first key (URLSearchParams would drop it, werkzeug does not).
 *
 * Percent-escapes that do not decode to valid UTF-8 are read differently by the two: URLSearchParams turns "%AB"
 * into U+FFFD, werkzeug keeps the text "%AB". Such a query string is refused (400), so the name or id the policy
 * sees is always the one MLflow reads. Malformed escapes ("%G1") are kept as text by both.
 */
export function parseQuery(querystring: string): URLSearchParams {
  requireUtf8Escapes(querystring, 'query string');
  return new URLSearchParams('?' + querystring);
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
const ESCAPE = /%([0-9A-Fa-f]{2})/y;

/** Refuses (400) text whose %XX escapes, taken as bytes with the text around them, are not valid UTF-8. */
export function requireUtf8Escapes(text: string, where: string): void {
  if (!text.includes('%')) {
    return;
  }
  const bytes: number[] = [];
  for (let i = 0; i < text.length;) {
    ESCAPE.lastIndex = i;
    const escape = ESCAPE.exec(text);
    if (escape !== null) {
      bytes.push(parseInt(escape[1] as string, 16));
      i += 3;
    } else {
      const char = String.fromCodePoint(text.codePointAt(i) as number);
      bytes.push(...Buffer.from(char, 'utf8'));
      i += char.length;
    }
  }
  try {
    STRICT_UTF8.decode(Uint8Array.from(bytes));
  } catch {
    throw invalid(
      `The ${where} has a percent-escape that is not valid UTF-8; encode text as UTF-8 before escaping it.`,
    );
  }
}

/** True when MLflow reads this request's parameters from the JSON body. */
export function readsBody(method: string, query: string | URLSearchParams): boolean {
  return !(method === 'GET' && (typeof query === 'string' ? parseQuery(query) : query).size > 0);
}

/** Parses a JSON request body as MLflow does; an empty body is {}. */
export function parseJsonBody(bytes: Buffer, method: string, contentType: string | undefined): Record<string, unknown> {
  if ((method === 'POST' || method === 'PUT') && bytes.length > 0) {
    const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'application/json') {
      throw invalid('The request body must be JSON with Content-Type: application/json.');
    }
  }
  let text: string;
  try {
    text = STRICT_UTF8.decode(bytes);
  } catch {
    // Node would repair the bytes with U+FFFD; MLflow reads such a body as {}. Neither may be guessed.
    throw invalid('The request body is not valid UTF-8.');
  }
  if (text.trim() === '') {
    return {};
  }
  requireBoundedJson(bytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
    if (typeof value === 'string') {
      value = JSON.parse(value);
    }
  } catch {
    throw invalid('The request body is not valid JSON.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid('The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

/** lowerCamelCase JSON name of a protobuf field name: run_uuid -> runUuid. */
export function jsonName(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The value of a scalar id field known by one or more names (e.g. run_id and
 * its legacy alias run_uuid). Empty strings count as absent.
 */
export function readScalar(params: RequestParams, names: readonly string[]): string | undefined {
  const values = new Set<string>();
  for (const name of names) {
    for (const value of scalarValues(params, name)) {
      if (value !== '') {
        values.add(value);
      }
    }
  }
  if (values.size > 1) {
    throw invalid(`The request names ${names.join(' / ')} more than once with different values; send one.`);
  }
  return values.values().next().value;
}

/** The values of a repeated string field (e.g. experiment_ids). */
export function readList(params: RequestParams, name: string): string[] {
  if (params.source === 'query') {
    return params.query.getAll(name).filter((value) => value !== '');
  }
  const value = bodyField(params, name);
  if (value === undefined || value === null) {
    return [];
  }
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw invalid(`"${name}" must be a list of strings.`);
  }
  return (value as string[]).filter((item) => wellFormed(item, name) !== '');
}

/** Scalar ids inside a list of objects in the body, e.g. metrics[].model_id (or locations[].mlflow_experiment.experiment_id). */
export function readNested(
  params: RequestParams,
  list: string,
  names: readonly string[],
  within: readonly string[] = [],
): string[] {
  if (params.source === 'query') {
    return [];
  }
  const items = bodyField(params, list);
  if (items === undefined || items === null) {
    return [];
  }
  if (!Array.isArray(items)) {
    throw invalid(`"${list}" must be a list.`);
  }
  const ids = new Set<string>();
  for (const item of items) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw invalid(`Every entry of "${list}" must be an object.`);
    }
    let inner: RequestParams | undefined = { ...params, body: item as Record<string, unknown> };
    for (const name of within) {
      inner = inner === undefined ? undefined : readMessage(inner, name);
    }
    const id = inner === undefined ? undefined : readScalar(inner, names);
    if (id !== undefined) {
      ids.add(id);
    }
  }
  return [...ids];
}

/**
 * The parameters inside a message field of the body (protobuf JSON: either spelling of the name), e.g. `trace`
 * of StartTraceV3; undefined when it is absent or null. A query string carries no messages.
 */
export function readMessage(params: RequestParams, name: string): RequestParams | undefined {
  if (params.source === 'query') {
    return undefined;
  }
  const value = bodyField(params, name);
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(`"${name}" must be an object.`);
  }
  return { ...params, body: value as Record<string, unknown> };
}

/** An optional integer parameter (e.g. max_results), from the query string or the body. */
export function readInteger(params: RequestParams, name: string): number | undefined {
  const raw = rawField(params, name);
  if (raw === undefined || raw === null || raw === '') {
    return undefined;
  }
  const value = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw invalid(`"${name}" must be an integer.`);
  }
  return value;
}

/** An optional string parameter that is not an id (filter, page_token, ...). */
export function readString(params: RequestParams, name: string): string | undefined {
  const raw = rawField(params, name);
  if (raw === undefined || raw === null) {
    return undefined;
  }
  if (typeof raw !== 'string') {
    throw invalid(`"${name}" must be a string.`);
  }
  return wellFormed(raw, name);
}

/** A lone UTF-16 surrogate (from a JSON escape) has no UTF-8 form: MLflow fails on it in ways the gateway cannot
 * foresee (a 500, or another field dropped), so no string parameter may carry one. */
function wellFormed(value: string, name: string): string {
  if (!value.isWellFormed()) {
    throw invalid(`"${name}" contains a lone UTF-16 surrogate; send well-formed text.`);
  }
  return value;
}

/** An optional field that may be a string or an integer (protobuf enums in JSON). */
export function readStringOrInteger(params: RequestParams, name: string): string | number | undefined {
  const raw = rawField(params, name);
  if (raw === undefined || raw === null) {
    return undefined;
  }
  if (typeof raw !== 'string' && !(typeof raw === 'number' && Number.isSafeInteger(raw))) {
    throw invalid(`"${name}" must be a string or an integer.`);
  }
  return typeof raw === 'string' ? wellFormed(raw, name) : raw;
}

function scalarValues(params: RequestParams, name: string): string[] {
  if (params.source === 'query') {
    const values = params.query.getAll(name);
    if (new Set(values).size > 1) {
      throw invalid(`The query string repeats "${name}" with different values; send it once.`);
    }
    return values.slice(0, 1);
  }
  const value = bodyField(params, name);
  if (value === undefined || value === null) {
    return [];
  }
  if (typeof value !== 'string') {
    throw invalid(`"${name}" must be a string.`);
  }
  return [value];
}

/** A non-id field as MLflow reads it: the first query value, or the body field (either spelling). */
function rawField(params: RequestParams, name: string): unknown {
  return params.source === 'query' ? (params.query.get(name) ?? undefined) : bodyField(params, name);
}

/** A body field by its snake_case name or its lowerCamelCase alias; both at once is ambiguous. */
function bodyField(params: RequestParams & { source: 'body' }, name: string): unknown {
  const body = params.body;
  if (params.exactNames === true) {
    return Object.hasOwn(body, name) ? body[name] : undefined;
  }
  const alias = jsonName(name);
  const hasName = Object.hasOwn(body, name);
  const hasAlias = alias !== name && Object.hasOwn(body, alias);
  if (hasName && hasAlias) {
    throw invalid(`The request specifies both "${name}" and "${alias}"; provide only one of them.`);
  }
  return hasName ? body[name] : hasAlias ? body[alias] : undefined;
}

function invalid(message: string): MlgateError {
  return new MlgateError('MLGATE_REQUEST_INVALID', message);
}
