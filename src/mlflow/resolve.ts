/**
 * Resolves the resources a request names to the resources that carry their permissions, with the relation
 * cached as long as its resource kind allows (resources/): a run or a logged model belongs to one experiment
 * for ever; an experiment name is looked up on every request.
 *
 * A request naming a resource that does not exist is refused anyway, so the look-ups stop at the first one that
 * comes back missing: the answer is then that one target, which the policy refuses as "resource-not-found"
 * (404). Kinds whose ids MLflow makes itself (runs, logged models) are remembered as missing for a short while
 * (cache.missing_ttl_ms): a client cannot name one before it exists. Concurrent look-ups of the same resource
 * share one call. A reference the request may create (`ifExists`, e.g. the trace id of StartTraceV3) is checked
 * when it exists and adds nothing when it does not.
 */
import type { ResolvedTarget } from '../policy/input.js';
import { BoundedCache } from '../util/bounded-cache.js';
import { mapLimitedUntil } from '../util/concurrency.js';
import type { MlflowClient } from './client.js';
import type { Reference } from './references.js';
import { type ResourceKindName, resourceKind } from './resources/index.js';
import type { Carrier } from './resources/kind.js';

/** Most resources remembered as missing at once (each is at most MAX_ID_LENGTH characters). */
const MAX_MISSING_ENTRIES = 10_000;

/** Look-ups one request may have in flight against MLflow at once. */
export const LOOKUP_CONCURRENCY = 8;

export interface Resolver {
  resolve(references: readonly Reference[]): Promise<ResolvedTarget[]>;
  /**
   * Drops what this replica remembers of one resource (h/registry: a registered model name just deleted, renamed or
   * created, whose type may have changed). Other replicas keep theirs for at most the kind's foundTtlMs.
   */
  forget?(kind: ResourceKindName, value: string): void;
}

export interface ResolverDeps {
  readonly client: MlflowClient;
  /** Most relations kept, found and missing each (cache.run_max_entries). */
  readonly maxEntries: number;
  /** How long a missing run or logged model is remembered (cache.missing_ttl_ms); 0 disables. */
  readonly missingTtlMs: number;
  readonly now?: () => number;
}

export function createResolver(deps: ResolverDeps): Resolver {
  const now = deps.now ?? Date.now;
  const found = new Map<string, BoundedCache<string, readonly Carrier[]>>();
  const foundCache = (kind: string, ttlMs: number): BoundedCache<string, readonly Carrier[]> => {
    let cache = found.get(kind);
    if (cache === undefined) {
      cache = new BoundedCache<string, readonly Carrier[]>({ ttlMs, maxEntries: deps.maxEntries, now });
      found.set(kind, cache);
    }
    return cache;
  };
  // Separate from the found relations, so that a flood of made-up ids cannot evict them.
  const missing = new BoundedCache<string, true>({
    ttlMs: deps.missingTtlMs,
    maxEntries: Math.min(deps.maxEntries, MAX_MISSING_ENTRIES),
    now,
  });
  const inFlight = new Map<string, Promise<readonly Carrier[] | null>>();
  const keyOf = (reference: Reference): string => `${reference.kind}\u0000${reference.value}`;

  const carriersOf = (reference: Reference): Promise<readonly Carrier[] | null> => {
    const kind = resourceKind(reference.kind);
    const cache = kind.foundTtlMs > 0 ? foundCache(kind.name, kind.foundTtlMs) : undefined;
    const known = cache?.get(reference.value);
    if (known !== undefined) {
      return Promise.resolve(known);
    }
    const key = keyOf(reference);
    // A resource the client may be creating is never taken as missing from the cache: it may exist by now.
    if (kind.rememberMissing && reference.ifExists !== true && missing.get(key) !== undefined) {
      return Promise.resolve(null);
    }
    const pending = inFlight.get(key);
    if (pending !== undefined) {
      return pending;
    }
    const lookup = kind
      .resolve(reference.value, deps.client)
      .then((carriers) => {
        if (carriers === null) {
          if (kind.rememberMissing) missing.set(key, true);
        } else {
          cache?.set(reference.value, carriers);
        }
        return carriers;
      })
      .finally(() => inFlight.delete(key));
    inFlight.set(key, lookup);
    return lookup;
  };

  const resolveOne = async (reference: Reference): Promise<ResolvedTarget[]> => {
    const carriers = await carriersOf(reference);
    if (carriers === null) {
      // A resource the request may create (ifExists): none yet, so nothing of it to check.
      return reference.ifExists === true ? [] : [missingTarget(reference)];
    }
    return carriers.map((carrier) => ({
      type: carrier.type,
      id: carrier.id,
      via: reference.kind,
      ref: reference.value,
      exists: true,
      ...(reference.permission === undefined ? {} : { permission: reference.permission }),
    }));
  };

  /** True when the cache already says that this resource does not exist. */
  const knownMissing = (reference: Reference): boolean =>
    reference.ifExists !== true &&
    resourceKind(reference.kind).rememberMissing &&
    missing.get(keyOf(reference)) !== undefined;

  return {
    forget(kind, value) {
      found.get(kind)?.delete(value);
      missing.delete(keyOf({ kind, value }));
    },
    async resolve(references) {
      const known = references.find(knownMissing);
      if (known !== undefined) {
        return [missingTarget(known)];
      }
      const outcome = await mapLimitedUntil(references, LOOKUP_CONCURRENCY, resolveOne, (targets) =>
        targets.some((target) => !target.exists),
      );
      return outcome.stopped ? outcome.result : outcome.results.flat();
    },
  };
}

function missingTarget(reference: Reference): ResolvedTarget {
  return {
    type: resourceKind(reference.kind).carrier,
    id: reference.value,
    via: reference.kind,
    ref: reference.value,
    exists: false,
  };
}
