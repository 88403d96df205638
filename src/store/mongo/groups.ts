import { MlgateError } from '../../errors.js';
import { checkLimit, pageOf } from '../pages.js';
import type { GroupRecord, GroupRepository, PermissionVersionRepository } from '../types.js';
import type { Collections, GroupDocument } from './collections.js';
import { guarded, isDuplicateKey } from './errors.js';
import { readSliced } from './read-sliced.js';

/** Groups read by one look-up each at most, in getMany (more: one $in). */
const ONE_BY_ONE = 16;

/** Groups read per round trip when all are listed (decoded a slice at a time, read-sliced.ts). */
const GROUP_BATCH_SIZE = 500;

function toRecord(doc: GroupDocument): GroupRecord {
  return {
    name: doc._id,
    description: doc.description,
    creatorPermission: doc.creatorPermission,
    createdAt: doc.createdAt,
    createdBy: doc.createdBy,
  };
}

/** Groups are permission data (their creator permission reaches the policy): every change bumps the version. */
export function createGroupRepository(
  collections: Collections,
  version: PermissionVersionRepository,
  now: () => Date = () => new Date(),
): GroupRepository {
  return {
    async create(group) {
      const doc: GroupDocument = {
        _id: group.name,
        description: group.description,
        creatorPermission: group.creatorPermission,
        createdAt: now(),
        createdBy: group.createdBy,
      };
      await guarded('groups.create', async () => {
        try {
          await collections.groups.insertOne(doc);
        } catch (error) {
          if (isDuplicateKey(error)) {
            throw new MlgateError('MLGATE_CONFLICT', `Group "${group.name}" is defined already.`);
          }
          throw error;
        }
      });
      await version.bump('data', [{ kind: 'group', name: group.name }]);
      return toRecord(doc);
    },
    async get(name) {
      const doc = await guarded('groups.get', () => collections.groups.findOne({ _id: name }));
      return doc === null ? null : toRecord(doc);
    },
    async list() {
      // Every group, on every replica's reload of the permission data: decoded a slice at a time.
      return guarded('groups.list', () =>
        readSliced(collections.groups.find({}).sort({ _id: 1 }).batchSize(GROUP_BATCH_SIZE), toRecord),
      );
    },
    async getMany(names) {
      const unique = [...new Set(names)].sort();
      if (unique.length === 0) return [];
      if (unique.length > ONE_BY_ONE) {
        return guarded('groups.getMany', () =>
          readSliced(collections.groups.find({ _id: { $in: unique } }).sort({ _id: 1 }), toRecord),
        );
      }
      // A few (live data reading the groups a change touched): one look-up by _id each, which FerretDB passes to its
      // backend, where it evaluates an $in itself over every document.
      const docs = await Promise.all(
        unique.map((name) => guarded('groups.getMany', () => collections.groups.findOne({ _id: name }))),
      );
      return docs.flatMap((doc) => (doc === null ? [] : [toRecord(doc)]));
    },
    async page(request) {
      checkLimit(request.limit);
      const docs = await guarded('groups.page', () =>
        collections.groups
          .find(request.after === null ? {} : { _id: { $gt: request.after } })
          .sort({ _id: 1 })
          .limit(request.limit + 1)
          .toArray(),
      );
      return pageOf(docs.map(toRecord), request.limit, (group) => group.name);
    },
    async update(name, changes) {
      const set: Partial<GroupDocument> = {};
      if (changes.description !== undefined) set.description = changes.description;
      if (changes.creatorPermission !== undefined) set.creatorPermission = changes.creatorPermission;
      if (changes.createdBy !== undefined) set.createdBy = changes.createdBy;
      const doc = await guarded('groups.update', () =>
        collections.groups.findOneAndUpdate({ _id: name }, { $set: set }, { returnDocument: 'after' }),
      );
      if (doc !== null) {
        await version.bump('data', [{ kind: 'group', name }]);
      }
      return doc === null ? null : toRecord(doc);
    },
    async delete(name) {
      const result = await guarded('groups.delete', () => collections.groups.deleteOne({ _id: name }));
      if (result.deletedCount === 1) {
        await version.bump('data', [{ kind: 'group', name }]);
      }
      return result.deletedCount === 1;
    },
  };
}
