import { MlgateError } from '../../errors.js';
import type { PermissionVersionRepository, UserRecord, UserRepository } from '../types.js';
import type { Collections, UserDocument } from './collections.js';
import { guarded, isDuplicateKey } from './errors.js';

function toRecord(doc: UserDocument): UserRecord {
  return {
    username: doc._id,
    isAdmin: doc.isAdmin,
    groups: doc.groups,
    providerGroups: doc.providerGroups ?? [],
    createdAt: doc.createdAt,
  };
}

/**
 * A user's admin flag and groups decide their permissions: changing or deleting a user bumps the permission version,
 * so every replica drops its cached copy of the user within the refresh interval (src/policy/live-data.ts).
 */
export function createUserRepository(
  collections: Collections,
  version: PermissionVersionRepository,
  now: () => Date = () => new Date(),
): UserRepository {
  return {
    async create(user) {
      const doc: UserDocument = {
        _id: user.username,
        isAdmin: user.isAdmin,
        groups: [...user.groups],
        providerGroups: [],
        createdAt: now(),
      };
      await guarded('users.create', async () => {
        try {
          await collections.users.insertOne(doc);
        } catch (error) {
          if (isDuplicateKey(error)) {
            throw new MlgateError('MLGATE_CONFLICT', `User "${user.username}" already exists.`);
          }
          throw error;
        }
      });
      return toRecord(doc);
    },
    async get(username) {
      const doc = await guarded('users.get', () => collections.users.findOne({ _id: username }));
      return doc === null ? null : toRecord(doc);
    },
    async update(username, changes) {
      const set: Partial<UserDocument> = {};
      if (changes.isAdmin !== undefined) set.isAdmin = changes.isAdmin;
      if (changes.groups !== undefined) set.groups = [...changes.groups];
      const doc = await guarded('users.update', () =>
        collections.users.findOneAndUpdate({ _id: username }, { $set: set }, { returnDocument: 'after' }),
      );
      if (doc !== null) {
        await version.bump('cache');
      }
      return doc === null ? null : toRecord(doc);
    },
    async delete(username) {
      const result = await guarded('users.delete', () => collections.users.deleteOne({ _id: username }));
      if (result.deletedCount === 1) {
        await version.bump('cache');
      }
      return result.deletedCount === 1;
    },
    async removeGroupEverywhere(group) {
      const result = await guarded('users.removeGroupEverywhere', () =>
        collections.users.updateMany({ groups: group }, { $pull: { groups: group } }),
      );
      if (result.modifiedCount > 0) {
        await version.bump('cache');
      }
      return result.modifiedCount;
    },
    async recordProviderLogin(username, providerGroups) {
      // Update, else insert, else (another replica inserted meanwhile) update: no upsert with $setOnInsert,
      // which FerretDB v1 does not apply.
      const refresh = () =>
        collections.users.findOneAndUpdate(
          { _id: username },
          { $set: { providerGroups: [...providerGroups] } },
          { returnDocument: 'after' },
        );
      const doc = await guarded('users.recordProviderLogin', async () => {
        const updated = await refresh();
        if (updated !== null) {
          return updated;
        }
        const created: UserDocument = {
          _id: username,
          isAdmin: false,
          groups: [],
          providerGroups: [...providerGroups],
          createdAt: now(),
        };
        try {
          await collections.users.insertOne(created);
          return created;
        } catch (error) {
          if (isDuplicateKey(error)) {
            return refresh();
          }
          throw error;
        }
      });
      if (doc === null) {
        throw new MlgateError('MLGATE_STORE_UNAVAILABLE', undefined, {
          details: { operation: 'users.recordProviderLogin' },
        });
      }
      return toRecord(doc);
    },
    async list() {
      const docs = await guarded('users.list', () => collections.users.find({}).sort({ _id: 1 }).toArray());
      return docs.map(toRecord);
    },
  };
}
