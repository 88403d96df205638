/**
 * The permission version in MongoDB (PermissionVersionRepository): what every replica polls to know when to reload the
 * permission data, and which parts of it changed (src/store/data-parts.ts).
 *
 * FerretDB applies an update by reading the document and writing it back whole, with nothing to stop another update
 * of the same document in between: of two concurrent updates of one document only the last written survives, and it
 * puts back the fields the other had changed. So no field a replica relies on is kept where a concurrent write of
 * another kind could put an old value back:
 * - each part's version is a document of its own in `permission_parts` (partField of its key as _id), written only
 *   with a new value of that one field; the `full` version is one more such document (FULL_ID);
 * - the data version is a document of its own in `meta` ({_id: "permission-data", dataVersion}), written only by
 *   writes of the policy's data, each with a new value: whichever of two concurrent writes survives, the value changed;
 * - `meta` {_id: "permissions", version, dataVersion} is still written by every write, for replicas of mlgate
 *   versions before this one (they read only it) and for `version`, which writes of grants and users change. When its
 *   dataVersion is not the data document's (an older mlgate wrote, or a concurrent write put an old value back), the
 *   data version this repository reports is one no part has, and replicas read everything (data-reader.ts).
 * A write records its parts first, then the data version: a replica that sees the new data version reads the parts
 * after it, and finds them. A write that finds the two data versions different (an older mlgate wrote last) also gives
 * `full` a new value, so that a replica that had not yet seen the older write reads everything rather than only the
 * new write's parts.
 */
import { partField, partKey, partOfField } from '../data-parts.js';
import { newVersion } from '../rules-shared.js';
import type { PermissionVersionRepository } from '../types.js';
import type { Collections, MetaDocument } from './collections.js';
import { guarded, isDuplicateKey } from './errors.js';

/** The `meta` document every write changes (read by every mlgate version). */
const PERMISSIONS_ID = 'permissions';
/** The `meta` document only writes of the policy's data change. */
const DATA_ID = 'permission-data';
/** The `permission_parts` document of the `full` version (a `*` is never in a partField). */
export const FULL_ID = '*full';

/**
 * The data version to report: the data document's when the shared document agrees with it, else a value no part
 * has (data-reader.ts then reads everything): an older mlgate wrote last, or a concurrent write put an old value back.
 */
export function reportedDataVersion(shared: string, own: string): string {
  return shared === own ? own : `${own}~${shared}`;
}

export function createPermissionVersionRepository(collections: Collections): PermissionVersionRepository {
  /** The shared and the data documents, in one query. */
  const metaDocs = async (operation: string): Promise<{ shared?: MetaDocument; own?: MetaDocument }> => {
    const docs = await guarded(operation, () =>
      collections.meta
        .find({ _id: { $in: [PERMISSIONS_ID, DATA_ID] } }, { projection: { version: 1, dataVersion: 1 } })
        .toArray(),
    );
    const shared = docs.find((doc) => doc._id === PERMISSIONS_ID);
    const own = docs.find((doc) => doc._id === DATA_ID);
    return { ...(shared === undefined ? {} : { shared }), ...(own === undefined ? {} : { own }) };
  };

  const readMeta = async (operation: string): Promise<{ any: string; data: string }> => {
    const { shared, own } = await metaDocs(operation);
    const data = reportedDataVersion(shared?.dataVersion ?? '', own?.dataVersion ?? '');
    // A write of the data changes both documents; `any` changes when either does.
    return { any: `${shared?.version ?? ''}/${own?.dataVersion ?? ''}`, data };
  };

  /** Whether the shared document's data version is not the data document's (an older mlgate wrote last). */
  const olderDataWritten = async (): Promise<boolean> => {
    const { shared, own } = await metaDocs('permissionVersion.bump');
    return shared?.dataVersion !== undefined && shared.dataVersion !== own?.dataVersion;
  };

  /** An update that creates its document: retried once when a concurrent one created it first (E11000). */
  const upsert = async (operation: string, run: () => Promise<unknown>): Promise<void> => {
    await guarded(operation, async () => {
      try {
        await run();
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        await run();
      }
    });
  };

  return {
    read: () => readMeta('permissionVersion.read'),
    async readParts() {
      // The data version first: a write recorded after it changes it again, and the next read reads the parts again.
      const { data } = await readMeta('permissionVersion.readParts');
      const docs = await guarded('permissionVersion.readParts', () =>
        collections.permissionParts.find({}, { projection: { version: 1 } }).toArray(),
      );
      let full = '';
      const parts = new Map<string, string>();
      for (const doc of docs) {
        if (doc._id === FULL_ID) full = doc.version;
        else parts.set(partOfField(doc._id), doc.version);
      }
      return { data, full, parts };
    },
    watch(onChange, onUnavailable) {
      let stopped = false;
      const stream = collections.meta.watch([{ $match: { 'documentKey._id': { $in: [PERMISSIONS_ID, DATA_ID] } } }]);
      stream.on('change', () => onChange());
      stream.once('error', (error: Error) => {
        if (!stopped) onUnavailable(error.message);
        stopped = true;
        void stream.close().catch(() => undefined);
      });
      return () => {
        stopped = true;
        void stream.close().catch(() => undefined);
      };
    },
    async forgetParts(keys, data) {
      if (keys.length === 0) return false;
      if ((await readMeta('permissionVersion.forgetParts')).data !== data) return false;
      // Not atomic with the check: a part written meanwhile and forgotten is read again by a replica holding it (it
      // looks gone), and a replica not holding it finds no part changed with the data version and reads everything.
      await guarded('permissionVersion.forgetParts', () =>
        collections.permissionParts.deleteMany({ _id: { $in: keys.map(partField) } }),
      );
      return true;
    },
    async bump(scope = 'data', parts) {
      // A $set of a value never used before (not an $inc): any write makes every replica see a version other than
      // the one it last read, whichever concurrent write survives.
      const version = newVersion();
      if (scope === 'data') {
        const ids = parts === undefined || parts.length === 0 ? [FULL_ID] : parts.map((p) => partField(partKey(p)));
        // An older mlgate wrote data since the last write of this version (it records no part): this write says what
        // it changed, and would hide that write from replicas that had not read it yet; so it asks for a full read.
        if (await olderDataWritten()) ids.push(FULL_ID);
        for (const _id of new Set(ids)) {
          await upsert('permissionVersion.bump', () =>
            collections.permissionParts.updateOne({ _id }, { $set: { version } }, { upsert: true }),
          );
        }
        await upsert('permissionVersion.bump', () =>
          collections.meta.updateOne({ _id: DATA_ID }, { $set: { dataVersion: version } }, { upsert: true }),
        );
      }
      const shared: Partial<MetaDocument> = { version, changedAt: new Date() };
      if (scope === 'data') shared.dataVersion = version;
      await upsert('permissionVersion.bump', () =>
        collections.meta.updateOne({ _id: PERMISSIONS_ID }, { $set: shared }, { upsert: true }),
      );
    },
  };
}
