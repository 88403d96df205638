/**
 * Failure counters in MongoDB (collection auth_failures), shared by every replica. Each key is one document whose
 * count grows with an atomic $inc upsert; a count lives for the window after its latest failure. The TTL index on
 * expiresAt removes old documents eventually (MongoDB's TTL monitor runs about once a minute), so reads and
 * updates ignore expired ones themselves.
 */
import type { FailureCount, FailureRepository } from '../types.js';
import type { Collections, FailureDocument } from './collections.js';
import { guarded, isDuplicateKey } from './errors.js';

function toCount(doc: FailureDocument): FailureCount {
  return { key: doc._id, count: doc.count, expiresAt: doc.expiresAt };
}

export function createFailureRepository(collections: Collections): FailureRepository {
  const failures = collections.failures;

  async function increment(key: string, now: Date, windowMs: number): Promise<FailureCount> {
    // A count whose window has passed starts again: remove it first (a no-op when it is live or absent).
    await failures.deleteOne({ _id: key, expiresAt: { $lte: now } });
    const update = {
      $inc: { count: 1 },
      $set: { lastAt: now, expiresAt: new Date(now.getTime() + windowMs) },
      $setOnInsert: { firstAt: now },
    };
    for (let attempt = 0; ; attempt += 1) {
      try {
        const doc = await failures.findOneAndUpdate({ _id: key }, update, { upsert: true, returnDocument: 'after' });
        if (doc === null) {
          throw new Error('upsert returned no document');
        }
        return toCount(doc);
      } catch (error) {
        // Two replicas inserting the same new key at once: one insert loses; its retry increments the winner's.
        if (attempt === 0 && isDuplicateKey(error)) {
          continue;
        }
        throw error;
      }
    }
  }

  return {
    async record(keys, now, windowMs) {
      return guarded('failures.record', () => Promise.all(keys.map((key) => increment(key, now, windowMs))));
    },
    async read(keys, now) {
      if (keys.length === 0) {
        return [];
      }
      const docs = await guarded('failures.read', () =>
        failures.find({ _id: { $in: [...keys] }, expiresAt: { $gt: now } }).toArray(),
      );
      return docs.map(toCount);
    },
  };
}
