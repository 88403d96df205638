/**
 * Resolves the resources a request names to the experiments that carry their
 * permissions: a run, or a logged model, belongs to one experiment for ever
 * (cached without expiry, bounded); experiment names can change, so they are
 * looked up on every request.
 *
 * A request naming a resource that does not exist is refused anyway, so the
 * look-ups stop at the first one that comes back missing: the answer is then
 * that one target, which the policy refuses as "resource-not-found" (404).
 * Runs and logged models found missing are remembered for a short while
 * (cache.missing_ttl_ms): their ids are made by MLflow when they are created,
 * so a client cannot name one before it exists. Experiment names are never
 * remembered as missing: anyone may create one at any moment (mlflow's
 * set_experiment looks a name up again right after a concurrent create).
 * Concurrent look-ups of the same run or logged model share one call.
 */
import type { ResolvedTarget } from '../policy/input.js';
import { BoundedCache } from '../util/bounded-cache.js';
import { mapLimitedUntil } from '../util/concurrency.js';
import type { MlflowClient } from './client.js';
import type { Reference } from './references.js';

/** Look-ups one request may have in flight against MLflow at once. */
export const LOOKUP_CONCURRENCY = 8;

export interface Resolver {
  resolve(references: readonly Reference[]): Promise<ResolvedTarget[]>;
}

export interface ResolverDeps {
  readonly client: MlflowClient;
  /** Most relations kept, found and missing each (cache.run_max_entries). */
  readonly maxEntries: number;
  /** How long a missing run or logged model is remembered (cache.missing_ttl_ms); 0 disables. */
  readonly missingTtlMs: number;
  readonly now?: () => number;
}

type Relation = 'run' | 'logged_model';

export function createResolver(deps: ResolverDeps): Resolver {
  const now = deps.now ?? Date.now;
  const found = {
    run: new BoundedCache<string, string>({ ttlMs: Infinity, maxEntries: deps.maxEntries, now }),
    logged_model: new BoundedCache<string, string>({ ttlMs: Infinity, maxEntries: deps.maxEntries, now }),
  };
  // Separate from the found relations, so that a flood of made-up ids cannot evict them.
  const missing = new BoundedCache<string, true>({ ttlMs: deps.missingTtlMs, maxEntries: deps.maxEntries, now });
  const inFlight = new Map<string, Promise<string | null>>();
  const load = {
    run: (id: string) => deps.client.runExperimentId(id),
    logged_model: (id: string) => deps.client.loggedModelExperimentId(id),
  };

  const experimentOf = (relation: Relation, id: string): Promise<string | null> => {
    const known = found[relation].get(id);
    if (known !== undefined) {
      return Promise.resolve(known);
    }
    const key = `${relation}\u0000${id}`;
    if (missing.get(key) !== undefined) {
      return Promise.resolve(null);
    }
    const pending = inFlight.get(key);
    if (pending !== undefined) {
      return pending;
    }
    const lookup = load[relation](id)
      .then((experimentId) => {
        if (experimentId === null) {
          missing.set(key, true);
        } else {
          found[relation].set(id, experimentId);
        }
        return experimentId;
      })
      .finally(() => inFlight.delete(key));
    inFlight.set(key, lookup);
    return lookup;
  };

  const resolveOne = async (reference: Reference): Promise<ResolvedTarget> => {
    const target = (id: string | null): ResolvedTarget => ({
      type: 'experiment',
      id: id ?? reference.value,
      via: reference.kind,
      ref: reference.value,
      exists: id !== null,
    });
    switch (reference.kind) {
      case 'experiment':
        return target(reference.value);
      case 'experiment_name':
        return target(await deps.client.experimentIdByName(reference.value));
      case 'run':
      case 'logged_model':
        return target(await experimentOf(reference.kind, reference.value));
    }
  };

  /** True when the cache already says that this run or logged model does not exist. */
  const knownMissing = (reference: Reference): boolean =>
    (reference.kind === 'run' || reference.kind === 'logged_model') &&
    missing.get(`${reference.kind}\u0000${reference.value}`) !== undefined;

  return {
    async resolve(references) {
      const known = references.find(knownMissing);
      if (known !== undefined) {
        return [{ type: 'experiment', id: known.value, via: known.kind, ref: known.value, exists: false }];
      }
      const outcome = await mapLimitedUntil(references, LOOKUP_CONCURRENCY, resolveOne, (target) => !target.exists);
      return outcome.stopped ? [outcome.result] : outcome.results;
    },
  };
}
