import { MlgateError } from '../../errors.js';
import { compareStrings, pageOf } from '../pages.js';
import type { GroupRecord, GroupRepository, PermissionVersionRepository } from '../types.js';

const byName = (a: GroupRecord, b: GroupRecord): number => compareStrings(a.name, b.name);

export function memoryGroups(now: () => Date, version: PermissionVersionRepository): GroupRepository {
  const groups = new Map<string, GroupRecord>();
  return {
    async create(group) {
      if (groups.has(group.name)) {
        throw new MlgateError('MLGATE_CONFLICT', `Group "${group.name}" is defined already.`);
      }
      const record: GroupRecord = { ...group, createdAt: now() };
      groups.set(group.name, record);
      await version.bump('data', [{ kind: 'group', name: group.name }]);
      return record;
    },
    get: (name) => Promise.resolve(groups.get(name) ?? null),
    list: () => Promise.resolve([...groups.values()].sort(byName)),
    getMany: (names) =>
      Promise.resolve(
        [...new Set(names)]
          .map((name) => groups.get(name))
          .filter((group) => group !== undefined)
          .sort(byName),
      ),
    page: (request) =>
      Promise.resolve(
        pageOf(
          [...groups.values()]
            .filter((g) => request.after === null || g.name > request.after)
            .sort(byName)
            .slice(0, request.limit + 1),
          request.limit,
          (group) => group.name,
        ),
      ),
    async update(name, changes) {
      const group = groups.get(name);
      if (group === undefined) {
        return null;
      }
      const updated: GroupRecord = {
        ...group,
        ...(changes.description === undefined ? {} : { description: changes.description }),
        ...(changes.creatorPermission === undefined ? {} : { creatorPermission: changes.creatorPermission }),
        ...(changes.createdBy === undefined ? {} : { createdBy: changes.createdBy }),
      };
      groups.set(name, updated);
      await version.bump('data', [{ kind: 'group', name }]);
      return updated;
    },
    async delete(name) {
      const removed = groups.delete(name);
      if (removed) await version.bump('data', [{ kind: 'group', name }]);
      return removed;
    },
  };
}
