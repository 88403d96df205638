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
  options: { readonly ttlMs: number; readonly maxEntries: number },
): GrantSource {
  const cache = new BoundedCache<string, ResourceGrants>(options);
  // Bumped by clear(): grants read before it are not cached after it.
  let generation = 0;
  const keyOf = (type: string, id: string, username: string, groups: readonly string[]): string =>
    JSON.stringify([type, id, username, groups]);

  return {
    async forPrincipal(resourceType, resourceIds, username, groups) {
      const result = new Map<string, ResourceGrants>();
      const missing: string[] = [];
      for (const id of new Set(resourceIds)) {
        const cached = cache.get(keyOf(resourceType, id, username, groups));
        if (cached === undefined) {
          missing.push(id);
        } else {
          result.set(id, cached);
        }
      }
      if (missing.length > 0) {
        const readIn = generation;
        const loaded = await repository.forPrincipal(resourceType, missing, username, groups);
        for (const [id, grants] of loaded) {
          if (readIn === generation) cache.set(keyOf(resourceType, id, username, groups), grants);
          result.set(id, grants);
        }
      }
      return result;
    },
    clear() {
      generation += 1;
      cache.deleteWhere(() => true);
    },
    forgetResource(resourceType, resourceId) {
      const prefix = JSON.stringify([resourceType, resourceId]).slice(0, -1) + ',';
      cache.deleteWhere((key) => key.startsWith(prefix));
    },
  };
}
