/** Finds the resources a request names, from its route and parameters (pure). */
import { MlgateError } from '../errors.js';
import { type RequestParams, readList, readNested, readScalar } from './params.js';
import type { RouteSpec, TargetSource } from './routes.js';
import { requireWellFormed } from './well-formed.js';

/** A resource as the request names it, before resolution. */
export interface Reference {
  readonly kind: 'experiment' | 'experiment_name' | 'run' | 'logged_model';
  readonly value: string;
}

/**
 * The resources a request names, de-duplicated. More than `limit` is refused (400): each may cost a look-up in
 * MLflow before the decision is made. Ids and names that are not well-formed strings are refused (400) too.
 */
export function extractReferences(route: RouteSpec, params: RequestParams, limit = Infinity): Reference[] {
  const references: Reference[] = [];
  const seen = new Set<string>();
  const add = (kind: Reference['kind'], value: string): void => {
    const key = `${kind}\u0000${value}`;
    if (!seen.has(key)) {
      seen.add(key);
      references.push({ kind, value });
    }
  };
  for (const source of route.targets) {
    const kind = kindOf(source);
    for (const value of valuesOf(source, params)) {
      requireWellFormed(value, fieldLabel(source));
      if (kind === 'experiment') {
        requireCanonicalExperimentId(value);
      }
      add(kind, value);
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

/**
 * MLflow's SQL store turns experiment ids into integers with Python's int(), which also accepts "007", " 7",
 * "+7", "7_0" and non-ASCII digits: all of them name experiment 7 (or 70) to MLflow but a different id to the
 * grants. Only the canonical decimal form is accepted, so the id the policy sees is the one MLflow uses.
 */
export function requireCanonicalExperimentId(value: string): void {
  if (!isCanonicalExperimentId(value)) {
    throw new MlgateError(
      'MLGATE_REQUEST_INVALID',
      `Experiment id "${value}" is not in canonical form: use the decimal digits MLflow returns (e.g. "7", not "007").`,
    );
  }
}

export function isCanonicalExperimentId(value: string): boolean {
  return /^(0|[1-9][0-9]{0,18})$/.test(value);
}

function valuesOf(source: TargetSource, params: RequestParams): string[] {
  switch (source.kind) {
    case 'experiment':
    case 'experiment_name':
    case 'run':
    case 'logged_model': {
      const value = readScalar(params, source.field.names);
      if (value === undefined) {
        if (source.field.required) {
          throw new MlgateError('MLGATE_REQUEST_INVALID', `Missing required parameter "${source.field.names[0]}".`);
        }
        return [];
      }
      return [value];
    }
    case 'experiment_list':
      return readList(params, source.field.names[0] as string);
    case 'logged_model_in_list':
      return readNested(params, source.list, source.field.names);
  }
}

/** The field as the client wrote it, for messages: "run_id", "experiment_ids", "metrics[].model_id". */
function fieldLabel(source: TargetSource): string {
  const name = source.field.names[0] as string;
  return source.kind === 'logged_model_in_list' ? `${source.list}[].${name}` : name;
}

function kindOf(source: TargetSource): Reference['kind'] {
  switch (source.kind) {
    case 'experiment_list':
      return 'experiment';
    case 'logged_model_in_list':
      return 'logged_model';
    default:
      return source.kind;
  }
}
