import type { Filter } from 'mongodb';

import { PERMISSION_LEVELS, type PermissionLevel } from '../../config/schema.js';
import type { GrantRecord, GrantRepository, PermissionVersionRepository } from '../types.js';
import { checkLimit, grantIdOf, grantKey, grantKeyOf, pageOf } from '../pages.js';
import { type Collections, type GrantDocument } from './collections.js';
import { guarded, isDuplicateKey } from './errors.js';

function toRecord(doc: GrantDocument): GrantRecord {
  return {
    resourceType: doc.resourceType,
    resourceId: doc.resourceId,
    principalType: doc.principalType,
    principal: doc.principal,
    permission: doc.permission,
    createdAt: doc.createdAt,
    createdBy: doc.createdBy,
  };
}

/**
 * How a principal's grants are read: one `_id: {$in}` query (MongoDB answers it from the `_id` index), or, for up
 * to POINT_LOOKUP_MAX keys, one `findOne({_id})` per key at once. FerretDB 1.x on SQLite pushes an `_id` equality
 * down to SQLite but evaluates `$in` itself over every document: at 100,000 grants a cold look-up of 8 keys took
 * about 4 s with `$in` and about 0.1–0.3 s as point look-ups (docs/operations.md).
 */
export type GrantLookup = 'in' | 'points';

/** Most keys read as point look-ups; past it one `$in` query costs less than that many scans. */
export const POINT_LOOKUP_MAX = 16;

const FOR_PRINCIPAL_PROJECTION = { resourceId: 1, principalType: 1, principal: 1, permission: 1 } as const;

export function createGrantRepository(
  collections: Collections,
  version: PermissionVersionRepository,
  now: () => Date = () => new Date(),
  lookup: GrantLookup = 'in',
): GrantRepository {
  const readKeys = (keys: string[]): Promise<GrantDocument[]> =>
    guarded('grants.forPrincipal', async () => {
      if (lookup === 'points' && keys.length <= POINT_LOOKUP_MAX) {
        const found = await Promise.all(
          keys.map((_id) => collections.grants.findOne({ _id }, { projection: FOR_PRINCIPAL_PROJECTION })),
        );
        return found.filter((doc): doc is GrantDocument => doc !== null);
      }
      return collections.grants.find({ _id: { $in: keys } }, { projection: FOR_PRINCIPAL_PROJECTION }).toArray();
    });
  return {
    async put(grant, expected) {
      const _id = grantKey(grant.resourceType, grant.resourceId, grant.principalType, grant.principal);
      const doc: GrantDocument = { _id, ...grant, createdAt: now() };
      const written = await guarded('grants.put', async () => {
        if (expected === undefined) {
          await collections.grants.replaceOne({ _id }, doc, { upsert: true });
          return true;
        }
        if (expected === null) {
          try {
            await collections.grants.insertOne(doc);
            return true;
          } catch (error) {
            if (isDuplicateKey(error)) return false;
            throw error;
          }
        }
        return (await collections.grants.replaceOne({ _id, permission: expected }, doc)).matchedCount === 1;
      });
      if (written) await version.bump('cache');
      return written;
    },
    async remove(resourceType, resourceId, principalType, principal, expected) {
      const _id = grantKey(resourceType, resourceId, principalType, principal);
      const result = await guarded('grants.remove', () =>
        collections.grants.deleteOne(expected === undefined ? { _id } : { _id, permission: expected }),
      );
      if (result.deletedCount === 1) {
        await version.bump('cache');
      }
      return result.deletedCount === 1;
    },
    async forPrincipal(resourceType, resourceIds, username, groups) {
      // Every grant that could apply has a known key: look them up by _id (an index hit on any MongoDB).
      const keys: string[] = [];
      for (const resourceId of resourceIds) {
        keys.push(grantKey(resourceType, resourceId, 'user', username));
        for (const group of groups) {
          keys.push(grantKey(resourceType, resourceId, 'group', group));
        }
      }
      const found = new Map<string, { user: PermissionLevel | null; groups: Record<string, PermissionLevel> }>();
      for (const resourceId of resourceIds) {
        found.set(resourceId, { user: null, groups: {} });
      }
      if (keys.length === 0) {
        return found;
      }
      const docs = await readKeys(keys);
      for (const doc of docs) {
        const entry = found.get(doc.resourceId);
        if (entry === undefined) {
          continue;
        }
        // A level this version does not know (a manual edit, a newer writer) denies rather than being ignored.
        const permission = PERMISSION_LEVELS.includes(doc.permission) ? doc.permission : 'NO_PERMISSIONS';
        if (doc.principalType === 'user') {
          entry.user = permission;
        } else {
          entry.groups[doc.principal] = permission;
        }
      }
      return found;
    },
    async removeAllForResource(resourceType, resourceId) {
      const result = await guarded('grants.removeAllForResource', () =>
        collections.grants.deleteMany({ resourceType, resourceId }),
      );
      if (result.deletedCount > 0) {
        await version.bump('cache');
      }
      return result.deletedCount;
    },
    async removeAllForPrincipal(principalType, principal) {
      const result = await guarded('grants.removeAllForPrincipal', () =>
        collections.grants.deleteMany({ principalType, principal }),
      );
      if (result.deletedCount > 0) {
        await version.bump('cache');
      }
      return result.deletedCount;
    },
    // The model registry and prompts (h/registry).
    async moveResource(resourceType, from, to) {
      if (from === to) {
        return guarded('grants.moveResource', () =>
          collections.grants.countDocuments({ resourceType, resourceId: from }),
        );
      }
      // No transaction (FerretDB): each step can be repeated, and a retry starts again from the grants still on
      // `from`, which are removed last.
      const moving = await guarded('grants.moveResource', () =>
        collections.grants.find({ resourceType, resourceId: from }).toArray(),
      );
      if (moving.length === 0) {
        return 0;
      }
      await guarded('grants.moveResource', () => collections.grants.deleteMany({ resourceType, resourceId: to }));
      for (const doc of moving) {
        const _id = grantKey(resourceType, to, doc.principalType, doc.principal);
        await guarded('grants.moveResource', () =>
          collections.grants.replaceOne({ _id }, { ...toRecord(doc), resourceId: to }, { upsert: true }),
        );
      }
      await guarded('grants.moveResource', () => collections.grants.deleteMany({ resourceType, resourceId: from }));
      await version.bump();
      return moving.length;
    },
    async list() {
      const docs = await guarded('grants.list', () => collections.grants.find({}).sort({ _id: 1 }).toArray());
      return docs.map(toRecord);
    },
    async listForResource(resourceType, resourceId) {
      const docs = await guarded('grants.list', () =>
        collections.grants.find({ resourceType, resourceId }).sort({ principalType: 1, principal: 1 }).toArray(),
      );
      return docs.map(toRecord);
    },
    async page(filter, request) {
      checkLimit(request.limit);
      const resource = filter.resource;
      const principal = filter.principal;
      const after = request.after === null ? null : grantKeyOf(request.after);
      let query: Filter<GrantDocument>;
      if (resource !== undefined && principal !== undefined) {
        // One grant at most: looked up by its key (an _id equality, which FerretDB passes down to its backend too).
        const _id = grantKey(resource.type, resource.id, principal.type, principal.name);
        if (after !== null && after >= _id) {
          return { items: [], next: null };
        }
        query = { _id };
      } else {
        query = {
          ...(resource === undefined ? {} : { resourceType: resource.type, resourceId: resource.id }),
          ...(principal === undefined ? {} : { principalType: principal.type, principal: principal.name }),
          ...(after === null ? {} : { _id: { $gt: after } }),
        };
      }
      // Indexes resource_key and principal_key (collections.ts), or the _id index: a range scan that stops after
      // the page.
      const docs = await guarded('grants.page', () =>
        collections.grants
          .find(query)
          .sort({ _id: 1 })
          .limit(request.limit + 1)
          .toArray(),
      );
      return pageOf(docs.map(toRecord), request.limit, grantIdOf);
    },
    async listForPrincipal(principalType, principal) {
      const docs = await guarded('grants.list', () =>
        collections.grants.find({ principalType, principal }).sort({ resourceType: 1, resourceId: 1 }).toArray(),
      );
      return docs.map(toRecord);
    },
  };
}
