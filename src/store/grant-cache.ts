/**
 * Grants read through a bounded cache (cache.ttl_ms). Local writes forget the
 * resource at once; writes made elsewhere are seen within the TTL.
 */
import { BoundedCache } from '../util/bounded-cache.js';
import type { GrantRepository, ResourceGrants, ResourceType } from './types.js';

export interface GrantSource extends Pick<GrantRepository, 'forPrincipal'> {
  /** Drop cached grants of a resource (after a local grant change). */
  forgetResource(resourceType: ResourceType, resourceId: string): void;
  /** Drop every cached grant (permission data changed somewhere: src/policy/live-data.ts). */
  clear(): void;
}

export function createCachedGrantSource(
  repository: GrantRepository,
  options: { readonly ttlMs: number; readonly maxEntries: number; readonly now?: () => number },
): GrantSource {
  // The cached keys of each resource, so a local change forgets a resource without reading every key (a full cache of
  // cache.max_entries keys, scanned on each create, held the event loop for milliseconds). Kept in step with the
  // cache: a key leaving it (evicted, expired, deleted) leaves its resource's set.
  let byResource = new Map<string, Set<string>>();
  const indexing = options.ttlMs > 0;
  const resourceKeyOf = (type: string, id: string): string => JSON.stringify([type, id]);
  const unindex = (key: string): void => {
    const [type, id] = JSON.parse(key) as [string, string];
    const resource = resourceKeyOf(type, id);
    const keys = byResource.get(resource);
    keys?.delete(key);
    if (keys?.size === 0) byResource.delete(resource);
  };
  const cache = new BoundedCache<string, ResourceGrants>({ ...options, onDrop: unindex });
  const cacheSet = (type: string, id: string, key: string, grants: ResourceGrants): void => {
    cache.set(key, grants);
    if (!indexing) return;
    const resource = resourceKeyOf(type, id);
    const keys = byResource.get(resource);
    if (keys === undefined) byResource.set(resource, new Set([key]));
    else keys.add(key);
  };
  // Look-ups under way, per key: concurrent requests missing the same entry (it expired under load) share one read.
  const loading = new Map<string, Promise<ResourceGrants | undefined>>();
  // Bumped by clear() and forgetResource(): grants read before it are not cached after it.
  let generation = 0;
  const keyOf = (type: string, id: string, username: string, groups: readonly string[]): string =>
    JSON.stringify([type, id, username, groups]);
  const invalidate = (): void => {
    generation += 1;
    loading.clear();
  };

  return {
    async forPrincipal(resourceType, resourceIds, username, groups) {
      const result = new Map<string, ResourceGrants>();
      const missing: string[] = [];
      const shared: [string, Promise<ResourceGrants | undefined>][] = [];
      for (const id of new Set(resourceIds)) {
        const key = keyOf(resourceType, id, username, groups);
        const cached = cache.get(key);
        const pending = cached === undefined ? loading.get(key) : undefined;
        if (cached !== undefined) {
          result.set(id, cached);
        } else if (pending !== undefined) {
          shared.push([id, pending]);
        } else {
          missing.push(id);
        }
      }
      if (missing.length > 0) {
        const readIn = generation;
        const batch = repository.forPrincipal(resourceType, missing, username, groups);
        for (const id of missing) {
          const key = keyOf(resourceType, id, username, groups);
          const one = batch.then((loaded) => loaded.get(id));
          const done = (): void => {
            if (loading.get(key) === one) loading.delete(key);
          };
          one.then(done, done);
          loading.set(key, one);
        }
        for (const [id, grants] of await batch) {
          if (readIn === generation) cacheSet(resourceType, id, keyOf(resourceType, id, username, groups), grants);
          result.set(id, grants);
        }
      }
      for (const [id, pending] of shared) {
        const grants = await pending;
        if (grants !== undefined) result.set(id, grants);
      }
      return result;
    },
    clear() {
      invalidate();
      cache.clear();
      byResource = new Map();
    },
    forgetResource(resourceType, resourceId) {
      invalidate();
      const resource = resourceKeyOf(resourceType, resourceId);
      const keys = byResource.get(resource);
      byResource.delete(resource);
      for (const key of keys ?? []) cache.delete(key);
    },
  };
}
