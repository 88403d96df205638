/**
 * Failed credential attempts in MongoDB (collection auth_failures), shared by every replica: one document per
 * failure and key, counted while it has not expired. Documents rather than $inc counters because FerretDB v1
 * loses concurrent $inc updates (tested: 50 parallel increments of one document gave 16), while single inserts
 * and counts are exact on it as on MongoDB. The throttle stops recording under a key once it is blocked, so a key
 * holds about as many documents as its limit.
 *
 * Expired documents are removed by the TTL index on MongoDB (its monitor runs about once a minute) and, since
 * FerretDB v1 has no TTL indexes, by the store's sweep there (store.ts); reads ignore expired documents themselves,
 * so neither needs to be punctual.
 */
import type { FailureCount, FailureRepository } from '../types.js';
import type { Collections, FailureDocument } from './collections.js';
import { guarded } from './errors.js';

/** Most failures read per request: far above any configurable limit's worth of concurrent attempts. */
const MAX_READ = 10_000;

export function createFailureRepository(collections: Collections): FailureRepository {
  const failures = collections.failures;

  return {
    async record(keys, now, windowMs) {
      if (keys.length === 0) {
        return;
      }
      const expiresAt = new Date(now.getTime() + windowMs);
      await guarded('failures.record', () =>
        failures.insertMany(keys.map((key): FailureDocument => ({ key, at: now, expiresAt }))),
      );
    },
    async read(keys, now) {
      if (keys.length === 0) {
        return [];
      }
      const docs = await guarded('failures.read', () =>
        failures
          .find({ key: { $in: [...keys] }, expiresAt: { $gt: now } }, { projection: { _id: 0, key: 1, expiresAt: 1 } })
          .sort({ expiresAt: 1 })
          .limit(MAX_READ)
          .toArray(),
      );
      const byKey = new Map<string, Date[]>();
      for (const doc of docs) {
        byKey.set(doc.key, [...(byKey.get(doc.key) ?? []), doc.expiresAt]);
      }
      return [...byKey].map(([key, expiries]): FailureCount => ({ key, expiries }));
    },
  };
}
