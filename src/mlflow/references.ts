/** Finds the resources a request names, from its route and parameters (pure). */
import { MlgateError } from '../errors.js';
import { type RequestParams, readList, readNested, readScalar } from './params.js';
import { type ResourceKindName, resourceKind } from './resources/index.js';
import type { RouteSpec, TargetSpec } from './route-spec.js';
import { requireWellFormed } from './well-formed.js';

/** A resource as the request names it, before resolution. */
export interface Reference {
  readonly kind: ResourceKindName;
  readonly value: string;
}

/** Where a request's parameters are: as MLflow's protobuf handlers read them, the query string, the path. */
export interface RequestView {
  /** Where MLflow's protobuf handlers read (query string of a GET that has one, else the JSON body). */
  readonly params: RequestParams;
  /** The query string alone, as the Flask handlers outside the protobuf services read it. */
  readonly query: URLSearchParams;
  /** Parameters of the route's path template, decoded as MLflow decodes them. */
  readonly path: Readonly<Record<string, string>>;
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
  const seen = new Set<string>();
  for (const target of route.targets) {
    const kind = resourceKind(target.resource);
    const label = fieldLabel(target);
    for (const value of valuesOf(target, view)) {
      requireWellFormed(value, label);
      kind.validate(value, label);
      const key = `${target.resource}\u0000${value}`;
      if (seen.has(key)) {
        continue;
      }
      seen.add(key);
      references.push({ kind: target.resource, value });
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
  const params = paramsAt(target, view);
  const shape = target.shape ?? 'scalar';
  if (shape === 'list') {
    return readList(params, target.names[0] as string);
  }
  if (shape !== 'scalar') {
    return readNested(params, shape.each, target.names);
  }
  const value = readScalar(params, target.names);
  if (value === undefined) {
    if (target.required === true) {
      throw new MlgateError('MLGATE_REQUEST_INVALID', `Missing required parameter "${target.names[0]}".`);
    }
    return [];
  }
  return [value];
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
  }
}

/** The field as the client wrote it, for messages: "run_id", "experiment_ids", "metrics[].model_id". */
function fieldLabel(target: TargetSpec): string {
  const name = target.names[0] as string;
  const shape = target.shape ?? 'scalar';
  return typeof shape === 'object' ? `${shape.each}[].${name}` : name;
}
