/**
 * Experiment names for regex rules (issue 8): the policy matches rules against a resource's name, which most
 * requests do not carry (they name an experiment by id, or a run). Names are looked up in MLflow by id and
 * remembered for permissions.name_cache_ttl_ms; concurrent look-ups of one id share one call. Only done while
 * regex rules exist, so a deployment without rules makes no extra calls.
 */
import type { ResolvedTarget } from '../policy/input.js';
import { BoundedCache } from '../util/bounded-cache.js';
import { mapLimited } from '../util/concurrency.js';
import type { MlflowClient } from './client.js';
import { LOOKUP_CONCURRENCY } from './resolve.js';

export interface ExperimentNames {
  /** The targets with the names of their experiments (`name`), when names are needed. */
  name(targets: readonly ResolvedTarget[]): Promise<ResolvedTarget[]>;
  /** Remembers a name the gateway saw in an answer (search results), so no look-up is needed. */
  remember(id: string, name: string): void;
  /** Forgets an experiment's name (it was renamed through this gateway): the next decision looks it up. */
  forget(id: string): void;
}

export function createExperimentNames(deps: {
  readonly client: Pick<MlflowClient, 'experimentNameById'>;
  readonly ttlMs: number;
  readonly maxEntries: number;
  /** Whether names are needed now (any regex rule loaded). */
  readonly needed: () => boolean;
}): ExperimentNames {
  const cache = new BoundedCache<string, string | null>({ ttlMs: deps.ttlMs, maxEntries: deps.maxEntries });
  const inFlight = new Map<string, Promise<string | null>>();
  const lookup = (id: string): Promise<string | null> => {
    const known = cache.get(id);
    if (known !== undefined) return Promise.resolve(known);
    let pending = inFlight.get(id);
    if (pending === undefined) {
      pending = deps.client
        .experimentNameById(id)
        .then((name) => {
          cache.set(id, name);
          return name;
        })
        .finally(() => inFlight.delete(id));
      inFlight.set(id, pending);
    }
    return pending;
  };
  return {
    async name(targets) {
      if (!deps.needed()) return [...targets];
      return mapLimited(targets, LOOKUP_CONCURRENCY, async (target) => {
        if (!target.exists || target.name !== undefined) return target;
        // Registered models and prompts are named by their id (their name), as MLflow keys them.
        if (target.type !== 'experiment') return { ...target, name: target.id };
        // Always the name MLflow holds for the id, even when the request named the experiment by name: MLflow may
        // find an experiment under another spelling (a database comparing names without case or trailing spaces,
        // as MySQL's default collations do), and a rule must match the name of the experiment MLflow acts on.
        const name = await lookup(target.id);
        return name === null ? target : { ...target, name };
      });
    },
    remember(id, name) {
      cache.set(id, name);
    },
    forget(id) {
      cache.delete(id);
    },
  };
}
