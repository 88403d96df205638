/**
 * GenAI objects (h/genai) that live in one experiment and are named by an id MLflow makes: an issue, a label
 * schema, a review queue, a job. Each is resolved by asking MLflow for the object (MlflowClient.lookup) and
 * reading the experiment id from the answer, as MLflow's own auth does with its store.
 */
import { MlgateError } from '../../errors.js';
import type { MlflowClient } from '../client.js';
import { isCanonicalExperimentId } from './experiment.js';
import { anyId, inExperiments, type ResourceKind } from './kind.js';

export interface ExperimentLookup {
  readonly name: string;
  /** e.g. `the experiment of issue`: the message reads `${what} ${id}`. */
  readonly what: string;
  /** The MLflow path that answers the object (the id is URL-encoded by the caller of this function). */
  path(id: string): string;
  /** Where the experiment id sits in MLflow's answer. */
  readonly field: readonly string[];
  /**
   * True when an object without an experiment id is possible (a job whose parameters name none): it resolves to
   * no experiment, so only administrators may use it. Otherwise such an answer is refused as invalid.
   */
  readonly mayHaveNone?: boolean;
  /**
   * True when the look-up puts the id in a path: an id MLflow would not read back as itself there ("/", "\\", "."
   * or "..") is refused (400).
   */
  readonly inPath?: boolean;
  /** How long the found relation is reused (Infinity: the object never moves). */
  readonly foundTtlMs?: number;
}

/** The experiment id at `field` of an answer: a canonical id, null when absent (and allowed to be), else refused. */
export function experimentIdAt(
  body: Readonly<Record<string, unknown>>,
  field: readonly string[],
  mayHaveNone: boolean,
  path: string,
): string | null {
  let node: unknown = body;
  for (const key of field) {
    node =
      node !== null && typeof node === 'object' && !Array.isArray(node)
        ? (node as Record<string, unknown>)[key]
        : undefined;
  }
  if ((node === undefined || node === null || node === '') && mayHaveNone) {
    return null;
  }
  if (typeof node !== 'string' || !isCanonicalExperimentId(node)) {
    throw new MlgateError('MLGATE_UPSTREAM_INVALID_RESPONSE', undefined, {
      details: { path: path.split('?')[0], field: field.join('.') },
    });
  }
  return node;
}

function pathSegmentId(kind: string): ResourceKind['validate'] {
  return (value, field) => {
    if (/[/\\]/.test(value) || value === '.' || value === '..') {
      throw new MlgateError(
        'MLGATE_REQUEST_INVALID',
        `"${field}" ${JSON.stringify(value)} is not a ${kind.replace('_', ' ')} id MLflow serves (no "/", "\\", "." or "..").`,
      );
    }
  };
}

export function experimentByLookup(spec: ExperimentLookup): ResourceKind {
  return {
    name: spec.name,
    carrier: 'experiment',
    describe: (ref) => `${spec.what} ${ref}`,
    validate: spec.inPath === true ? pathSegmentId(spec.name) : anyId,
    resolve: async (value: string, client: MlflowClient) => {
      const path = spec.path(encodeURIComponent(value));
      const body = await client.lookup(path);
      if (body === null) {
        return null;
      }
      const id = experimentIdAt(body, spec.field, spec.mayHaveNone === true, path);
      return inExperiments(id === null ? null : [id]);
    },
    foundTtlMs: spec.foundTtlMs ?? Infinity,
    // Ids MLflow makes itself (uuids, `iss-…`, `ls-…`, `rq-…`): no client can name one before it exists.
    rememberMissing: true,
  };
}
