/** The in-memory store's grants (src/store/memory/store.ts): the same contract as MongoDB's (test/contract/). */
import { PERMISSION_LEVELS, type PermissionLevel } from '../../config/schema.js';
import { compareStrings, grantIdOf, grantKey, grantKeyOf, pageOf } from '../pages.js';
import type { GrantRecord, GrantRepository, PermissionVersionRepository, ResourceGrants } from '../types.js';

export function memoryGrants(now: () => Date, version: PermissionVersionRepository): GrantRepository {
  const grants = new Map<string, GrantRecord>();
  // Keyed as in MongoDB, which is also the order of pages.
  const keyOf = grantKey;
  const removeWhere = (keep: (grant: GrantRecord) => boolean): number => {
    let removed = 0;
    for (const [key, grant] of grants) {
      if (!keep(grant)) {
        grants.delete(key);
        removed += 1;
      }
    }
    return removed;
  };
  const bumpIf = async <T extends number | boolean>(changed: T): Promise<T> => {
    if (changed !== 0 && changed !== false) await version.bump('cache');
    return changed;
  };
  return {
    async put(grant, expected) {
      const key = keyOf(grant.resourceType, grant.resourceId, grant.principalType, grant.principal);
      if (expected !== undefined && (grants.get(key)?.permission ?? null) !== expected) return false;
      grants.set(key, { ...grant, createdAt: now() });
      await version.bump('cache');
      return true;
    },
    remove: (type, id, principalType, principal, expected) => {
      const key = keyOf(type, id, principalType, principal);
      if (expected !== undefined && grants.get(key)?.permission !== expected) return Promise.resolve(false);
      return bumpIf(grants.delete(key));
    },
    forPrincipal(type, ids, username, groups) {
      const found = new Map<string, ResourceGrants>();
      for (const id of ids) {
        const level = (principalType: string, principal: string): PermissionLevel | undefined => {
          const permission = grants.get(keyOf(type, id, principalType, principal))?.permission;
          if (permission === undefined) return undefined;
          // As in MongoDB: a level this version does not know denies.
          return PERMISSION_LEVELS.includes(permission) ? permission : 'NO_PERMISSIONS';
        };
        const groupGrants: Record<string, PermissionLevel> = {};
        for (const group of groups) {
          const permission = level('group', group);
          if (permission !== undefined) groupGrants[group] = permission;
        }
        found.set(id, { user: level('user', username) ?? null, groups: groupGrants });
      }
      return Promise.resolve(found);
    },
    listForResource: (type, id) =>
      Promise.resolve(
        [...grants.values()]
          .filter((g) => g.resourceType === type && g.resourceId === id)
          .sort((a, b) => compareStrings(a.principalType, b.principalType) || compareStrings(a.principal, b.principal)),
      ),
    listForPrincipal: (principalType, principal) =>
      Promise.resolve(
        [...grants.values()]
          .filter((g) => g.principalType === principalType && g.principal === principal)
          .sort((a, b) => compareStrings(a.resourceType, b.resourceType) || compareStrings(a.resourceId, b.resourceId)),
      ),
    list: () =>
      Promise.resolve(
        [...grants.values()].sort(
          (a, b) =>
            compareStrings(a.resourceType, b.resourceType) ||
            compareStrings(a.resourceId, b.resourceId) ||
            compareStrings(a.principalType, b.principalType) ||
            compareStrings(a.principal, b.principal),
        ),
      ),
    page(filter, request) {
      const { resource, principal } = filter;
      const after = request.after === null ? null : grantKeyOf(request.after);
      const selected = [...grants.entries()].filter(
        ([key, g]) =>
          (resource === undefined || (g.resourceType === resource.type && g.resourceId === resource.id)) &&
          (principal === undefined || (g.principalType === principal.type && g.principal === principal.name)) &&
          (after === null || key > after),
      );
      selected.sort(([a], [b]) => compareStrings(a, b));
      return Promise.resolve(
        pageOf(
          selected.slice(0, request.limit + 1).map(([, g]) => g),
          request.limit,
          grantIdOf,
        ),
      );
    },
    removeAllForResource: (type, id) => bumpIf(removeWhere((g) => !(g.resourceType === type && g.resourceId === id))),
    removeAllForPrincipal: (principalType, principal) =>
      bumpIf(removeWhere((g) => !(g.principalType === principalType && g.principal === principal))),
    // The model registry and prompts (h/registry).
    async moveResource(type, from, to) {
      const moving = [...grants.values()].filter((g) => g.resourceType === type && g.resourceId === from);
      if (from === to || moving.length === 0) return moving.length;
      removeWhere((g) => !(g.resourceType === type && (g.resourceId === to || g.resourceId === from)));
      for (const grant of moving) {
        grants.set(keyOf(type, to, grant.principalType, grant.principal), { ...grant, resourceId: to });
      }
      await version.bump();
      return moving.length;
    },
  };
}
