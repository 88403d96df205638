import type { TokenRecord, TokenRepository } from '../types.js';
import type { Collections, TokenDocument } from './collections.js';
import { MlgateError } from '../../errors.js';
import { guarded, isDuplicateKey } from './errors.js';

function toRecord(doc: TokenDocument): TokenRecord {
  return {
    id: doc._id,
    username: doc.username,
    name: doc.name,
    hash: doc.hash,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
    lastUsedAt: doc.lastUsedAt ?? null,
  };
}

export function createTokenRepository(collections: Collections): TokenRepository {
  return {
    async create(token) {
      const doc: TokenDocument = {
        _id: token.id,
        username: token.username,
        name: token.name,
        hash: token.hash,
        createdAt: token.createdAt,
        expiresAt: token.expiresAt,
        lastUsedAt: token.lastUsedAt,
      };
      await guarded('tokens.create', async () => {
        try {
          await collections.tokens.insertOne(doc);
        } catch (error) {
          if (isDuplicateKey(error)) {
            throw new MlgateError(
              'MLGATE_CONFLICT',
              `${token.username} already has a token named "${token.name}": choose another name or revoke that one.`,
            );
          }
          throw error;
        }
      });
    },
    async findById(id) {
      const doc = await guarded('tokens.findById', () => collections.tokens.findOne({ _id: id }));
      return doc === null ? null : toRecord(doc);
    },
    async listForUser(username) {
      const docs = await guarded('tokens.list', () =>
        collections.tokens.find({ username }).sort({ createdAt: 1, _id: 1 }).toArray(),
      );
      return docs.map(toRecord);
    },
    async touch(id, at) {
      await guarded('tokens.touch', () => collections.tokens.updateOne({ _id: id }, { $set: { lastUsedAt: at } }));
    },
    async countLegacy() {
      return guarded('tokens.countLegacy', () => collections.legacyTokens.countDocuments({}));
    },
    async revokeAll(username) {
      const result = await guarded('tokens.revokeAll', () => collections.tokens.deleteMany({ username }));
      return result.deletedCount;
    },
    async revoke(username, id) {
      const result = await guarded('tokens.revoke', () => collections.tokens.deleteOne({ _id: id, username }));
      return result.deletedCount === 1;
    },
  };
}
