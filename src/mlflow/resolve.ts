/**
 * Resolves the resources a request names to the experiments that carry their
 * permissions: a run, or a logged model, belongs to one experiment for ever
 * (cached without expiry, bounded); experiment names can change, so they are
 * looked up on every request.
 */
import type { ResolvedTarget } from '../policy/input.js';
import { BoundedCache } from '../util/bounded-cache.js';
import { mapLimited } from '../util/concurrency.js';
import type { MlflowClient } from './client.js';
import type { Reference } from './references.js';

/** Look-ups one request may have in flight against MLflow at once. */
export const LOOKUP_CONCURRENCY = 8;

export interface Resolver {
  resolve(references: readonly Reference[]): Promise<ResolvedTarget[]>;
}

export function createResolver(deps: { readonly client: MlflowClient; readonly maxEntries: number }): Resolver {
  // Only found relations are cached: a run id that does not exist yet may exist later.
  const runs = new BoundedCache<string, string | null>({ ttlMs: Infinity, maxEntries: deps.maxEntries });
  const models = new BoundedCache<string, string | null>({ ttlMs: Infinity, maxEntries: deps.maxEntries });
  const found = (id: string | null): boolean => id !== null;

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
        return target(await runs.getOrLoad(reference.value, () => deps.client.runExperimentId(reference.value), found));
      case 'logged_model':
        return target(
          await models.getOrLoad(reference.value, () => deps.client.loggedModelExperimentId(reference.value), found),
        );
    }
  };

  return {
    resolve: (references) => mapLimited(references, LOOKUP_CONCURRENCY, resolveOne),
  };
}
