import type { SessionRepository, StoredSession } from '../types.js';
import type { Collections, SessionDocument } from './collections.js';
import { guarded } from './errors.js';

function toStored(doc: SessionDocument): StoredSession {
  return { id: doc._id, username: doc.username, expiresAt: doc.expiresAt, data: doc.data };
}

export function createSessionRepository(collections: Collections): SessionRepository {
  return {
    async get(id) {
      const doc = await guarded('sessions.get', () => collections.sessions.findOne({ _id: id }));
      return doc === null ? null : toStored(doc);
    },
    async put(session) {
      const doc: SessionDocument = {
        _id: session.id,
        username: session.username,
        expiresAt: session.expiresAt,
        data: { ...session.data },
      };
      await guarded('sessions.put', () => collections.sessions.replaceOne({ _id: session.id }, doc, { upsert: true }));
    },
    async update(session) {
      const doc: SessionDocument = {
        _id: session.id,
        username: session.username,
        expiresAt: session.expiresAt,
        data: { ...session.data },
      };
      const result = await guarded('sessions.update', () => collections.sessions.replaceOne({ _id: session.id }, doc));
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
