/** Browser logins in progress, shared by every replica: single use (taken with one atomic delete), short-lived. */
import { MlgateError } from '../../errors.js';
import type { LoginStateRecord, LoginStateRepository } from '../types.js';
import type { Collections, LoginStateDocument } from './collections.js';
import { guarded, isDuplicateKey } from './errors.js';

export function createLoginStateRepository(collections: Collections): LoginStateRepository {
  return {
    async put(record) {
      const { id, ...rest } = record;
      const doc: LoginStateDocument = { _id: id, ...rest };
      await guarded('loginStates.put', async () => {
        try {
          await collections.loginStates.insertOne(doc);
        } catch (error) {
          if (isDuplicateKey(error)) {
            throw new MlgateError('MLGATE_CONFLICT', 'A login state with this id already exists.');
          }
          throw error;
        }
      });
    },
    async take(id, now) {
      // Deleted whether or not it has expired: a state is never offered twice.
      const doc = await guarded('loginStates.take', () => collections.loginStates.findOneAndDelete({ _id: id }));
      if (doc === null || doc.expiresAt.getTime() <= now.getTime()) {
        return null;
      }
      const { _id, ...rest } = doc;
      return { id: _id, ...rest } satisfies LoginStateRecord;
    },
  };
}
