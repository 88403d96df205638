/** Finds the resources a request names, from its route and parameters (pure). */
import type { PermissionLevel } from '../config/schema.js';
import { MlgateError } from '../errors.js';
import { type RequestParams, readList, readMessage, readNested, readScalar } from './params.js';
import { type ResourceKindName, resourceKind } from './resources/index.js';
import type { RouteSpec, TargetSpec } from './route-spec.js';
import { requireWellFormed } from './well-formed.js';

/** A resource as the request names it, before resolution. */
export interface Reference {
  readonly kind: ResourceKindName;
  readonly value: string;
  /** Set when the resource may not exist yet: a missing one adds no target (TargetSpec.ifExists). */
  readonly ifExists?: true;
  /** A permission required on this resource instead of the operation's (TargetSpec.permission). */
  readonly permission?: PermissionLevel;
}

/** Where a request's parameters are: as MLflow's protobuf handlers read them, the query string, the path. */
export interface RequestView {
  /** Where MLflow's protobuf handlers read (query string of a GET that has one, else the JSON body). */
  readonly params: RequestParams;
  /** The query string alone, as the Flask handlers outside the protobuf services read it. */
  readonly query: URLSearchParams;
  /** Parameters of the route's path template, decoded as MLflow decodes them. */
  readonly path: Readonly<Record<string, string>>;
  /** Every value of each request header, by lower-case name (for `header` targets). */
  readonly headers?: Readonly<Record<string, readonly string[] | undefined>>;
  /** The MLflow trace ids of an OTLP export body (for `otlp` targets). */
  readonly otlpTraceIds?: readonly string[];
}

/**
 * The resources a request names, de-duplicated. More than `limit` is refused (400): each may cost a look-up in
 * MLflow before the decision is made. Ids and names that are not well-formed strings are refused (400) too.
 */
export function extractReferences(
  route: Pick<RouteSpec, 'targets'>,
  request: RequestView | RequestParams,
  limit = Infinity,
): Reference[] {
  const view = 'params' in request ? request : { params: request, query: new URLSearchParams(), path: {} };
  const references: Reference[] = [];
  const seen = new Map<string, number>();
  for (const target of route.targets) {
    const kind = resourceKind(target.resource);
    const label = fieldLabel(target);
    for (const value of valuesOf(target, view)) {
      requireWellFormed(value, label);
      requireIdLength(value, label);
      kind.validate(value, label);
      const named = kind.expand === undefined ? [{ kind: target.resource, value }] : kind.expand(value, label);
      for (const reference of named) {
        const key = `${reference.kind}\u0000${reference.value}\u0000${target.permission ?? ''}`;
        const known = seen.get(key);
        if (known !== undefined) {
          // Named twice: it must exist as soon as one of the two requires it.
          const first = references[known] as Reference;
          if (target.ifExists !== true && first.ifExists === true) {
            references[known] = {
              kind: first.kind,
              value: first.value,
              ...(first.permission === undefined ? {} : { permission: first.permission }),
            };
          }
          continue;
        }
        seen.set(key, references.length);
        references.push({
          ...reference,
          ...(target.permission === undefined ? {} : { permission: target.permission }),
          ...(target.ifExists === true ? { ifExists: true as const } : {}),
        });
      }
      if (references.length > limit) {
        throw new MlgateError(
          'MLGATE_REQUEST_INVALID',
          `The request names more than ${limit} resources; the gateway checks at most ${limit} per request ` +
            '(server.max_resources_per_request). Split it into smaller requests.',
        );
      }
    }
  }
  return references;
}

function valuesOf(target: TargetSpec, view: RequestView): string[] {
  if (target.in === 'header') {
    return headerValues(target, view);
  }
  if (target.in === 'otlp') {
    return [...(view.otlpTraceIds ?? [])];
  }
  let params: RequestParams | undefined = paramsAt(target, view);
  for (const name of target.within ?? []) {
    params = params === undefined ? undefined : readMessage(params, name);
  }
  const shape = target.shape ?? 'scalar';
  if (params === undefined) {
    return absent(target);
  }
  if (shape === 'list') {
    return readList(params, target.names[0] as string);
  }
  if (shape !== 'scalar') {
    return readNested(params, shape.each, target.names, shape.within);
  }
  const value = readScalar(params, target.names);
  return value === undefined ? absent(target) : [value];
}

function absent(target: TargetSpec): string[] {
  if (target.required === true) {
    throw new MlgateError('MLGATE_REQUEST_INVALID', `Missing required parameter "${fieldLabel(target)}".`);
  }
  return [];
}

/** A header, as FastAPI's `Header(...)` reads it: one value; a repeated header is refused, never guessed. */
function headerValues(target: TargetSpec, view: RequestView): string[] {
  const values = new Set<string>();
  for (const name of target.names) {
    for (const value of view.headers?.[name.toLowerCase()] ?? []) {
      values.add(value);
    }
    if ((view.headers?.[name.toLowerCase()] ?? []).length > 1) {
      throw new MlgateError('MLGATE_REQUEST_INVALID', `The request repeats the ${name} header; send it once.`);
    }
  }
  if (values.size > 1) {
    throw new MlgateError(
      'MLGATE_REQUEST_INVALID',
      `The request names ${target.names.join(' / ')} differently; send one.`,
    );
  }
  const value = values.values().next().value;
  return value === undefined || value === '' ? absent(target) : [value];
}

/** The parameters a target is read from. Path parameters are read like a body (one value, no aliases). */
function paramsAt(target: TargetSpec, view: RequestView): RequestParams {
  switch (target.in ?? 'request') {
    case 'request':
      return view.params;
    case 'query':
      return { source: 'query', query: view.query };
    case 'json':
      return { source: 'body', body: view.params.source === 'body' ? view.params.body : {}, exactNames: true };
    case 'path':
      return { source: 'body', body: view.path };
    case 'header':
    case 'otlp':
      throw new Error(`target location ${target.in} has no parameters`);
  }
}

/** The field as the client wrote it, for messages: "run_id", "experiment_ids", "metrics[].model_id". */
function fieldLabel(target: TargetSpec): string {
  const name = target.names[0] as string;
  const shape = target.shape ?? 'scalar';
  const inner = typeof shape === 'object' ? `${shape.each}[].${[...(shape.within ?? []), name].join('.')}` : name;
  return [...(target.within ?? []), inner].join('.');
}

/**
 * Longest id or name a request may name. MLflow's ids are a few dozen characters and its names at most a few
 * hundred; a longer value cannot name anything, but each one costs a look-up and a cache entry.
 */
export const MAX_ID_LENGTH = 1024;

function requireIdLength(value: string, field: string): void {
  if (value.length > MAX_ID_LENGTH) {
    throw new MlgateError(
      'MLGATE_REQUEST_INVALID',
      `"${field}" is ${value.length} characters long; no MLflow id or name is longer than ${MAX_ID_LENGTH}.`,
    );
  }
}
