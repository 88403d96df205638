import type { SessionRepository, StoredSession } from '../types.js';
import type { Collections, SessionDocument } from './collections.js';
import { guarded } from './errors.js';

function toStored(doc: SessionDocument): StoredSession {
  return { id: doc._id, username: doc.username, expiresAt: doc.expiresAt, data: doc.data };
}

function toDocument(session: StoredSession): SessionDocument {
  return { _id: session.id, username: session.username, expiresAt: session.expiresAt, data: { ...session.data } };
}

export function createSessionRepository(collections: Collections): SessionRepository {
  return {
    async get(id) {
      const doc = await guarded('sessions.get', () => collections.sessions.findOne({ _id: id }));
      return doc === null ? null : toStored(doc);
    },
    async put(session) {
      await guarded('sessions.put', () =>
        collections.sessions.replaceOne({ _id: session.id }, toDocument(session), { upsert: true }),
      );
    },
    async update(session) {
      const result = await guarded('sessions.update', () =>
        collections.sessions.replaceOne({ _id: session.id }, toDocument(session)),
      );
      return result.matchedCount === 1;
    },
    async delete(id) {
      const result = await guarded('sessions.delete', () => collections.sessions.deleteOne({ _id: id }));
      return result.deletedCount === 1;
    },
    async deleteAllForUser(username) {
      const result = await guarded('sessions.deleteAll', () => collections.sessions.deleteMany({ username }));
      return result.deletedCount;
    },
    async listForUser(username) {
      const docs = await guarded('sessions.list', () =>
        collections.sessions.find({ username }).sort({ expiresAt: 1 }).toArray(),
      );
      return docs.map(toStored);
    },
  };
}
