import { expect } from 'chai';
import { MongoClient } from 'mongodb';

import type { MlgateError } from '../../src/errors.js';
import { readSliced } from '../../src/store/mongo/read-sliced.js';
import { openMongoStore } from '../../src/store/mongo/store.js';
import type { Store } from '../../src/store/types.js';
import { type FerretDB, startFerretDB } from '../../scripts/services.js';
import { storeContract } from '../contract/store.js';
import { storeVersionContract } from '../contract/store-version.js';
import { storeVersionRacesContract } from '../contract/store-version-races.js';
import { storePagesContract } from '../contract/store-pages.js';
import { tempDir } from '../helpers/tmp.js';

describe('MongoDB store (on FerretDB)', () => {
  const tmp = tempDir('store');
  let ferret: FerretDB;
  let store: Store;

  before(async () => {
    ferret = await startFerretDB(tmp.path);
    store = await openMongoStore({ uri: ferret.uri, database: 'store_test', timeoutMs: 5000 });
  });

  after(async () => {
    await store?.close();
    await ferret?.stop();
    tmp.remove();
  });

  storeContract(() => store);
  storeVersionContract(() => store);
  storeVersionRacesContract(() => store);
  storePagesContract(() => store);

  it('says when the server has no change streams (FerretDB), so permission data is polled', async () => {
    const unavailable = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('neither a change nor unavailable within 5 s')), 5_000);
      const stop = store.permissionVersion.watch?.(
        () => reject(new Error('a change stream on FerretDB?')),
        (reason) => {
          clearTimeout(timer);
          stop?.();
          resolve(reason);
        },
      );
    });
    expect(unavailable).to.be.a('string').and.not.equal('');
  });

  it('has the indexes pages are read by, and drops the grant indexes they replace (made by earlier versions)', async () => {
    const client = await MongoClient.connect(ferret.uri);
    try {
      const db = client.db('store_indexes');
      await db.collection('grants').createIndex({ resourceType: 1, resourceId: 1 }, { name: 'resource' });
      await db.collection('grants').createIndex({ principalType: 1, principal: 1 }, { name: 'principal' });
      const opened = await openMongoStore({ uri: ferret.uri, database: 'store_indexes', timeoutMs: 5000 });
      await opened.close();
      const keys = async (collection: string): Promise<Record<string, unknown>> => {
        const indexes: { name?: string; key: unknown }[] = await db.collection(collection).indexes();
        return Object.fromEntries(indexes.map((i) => [i.name ?? '', i.key]));
      };
      const grants = await keys('grants');
      expect(grants).to.not.have.any.keys('resource', 'principal');
      expect(grants).to.deep.include({
        resource_key: { resourceType: 1, resourceId: 1, _id: 1 },
        principal_key: { principalType: 1, principal: 1, _id: 1 },
      });
      expect(await keys('regex_rules')).to.deep.include({
        listing_order: { resourceType: 1, principalType: 1, principal: 1, priority: 1, _id: 1 },
      });
      // Opening again (another replica, a restart) finds nothing to drop.
      await (await openMongoStore({ uri: ferret.uri, database: 'store_indexes', timeoutMs: 5000 })).close();
    } finally {
      await client.close();
    }
  });

  describe('reading a whole collection a slice at a time (read-sliced.ts)', () => {
    let client: MongoClient;
    const docs = Array.from({ length: 300 }, (_, i) => ({ _id: `doc-${String(i).padStart(3, '0')}`, n: i }));

    before(async () => {
      client = await MongoClient.connect(ferret.uri);
      await client.db('read_sliced').collection<{ _id: string; n: number }>('docs').insertMany(docs);
    });

    after(async () => {
      await client?.close();
    });

    const cursor = (batchSize: number) =>
      client
        .db('read_sliced')
        .collection<{ _id: string; n: number }>('docs')
        .find({})
        .sort({ _id: 1 })
        .batchSize(batchSize);

    it('reads every document, in order, across batches', async () => {
      expect(await readSliced(cursor(70), (doc) => doc.n)).to.deep.equal(docs.map((doc) => doc.n));
    });

    it('lets waiting callbacks run while it decodes one batch', async () => {
      // One batch of 300: toArray would decode it in one event-loop task, between two turns of the ticker.
      let turns = 0;
      let ticking = true;
      const tick = (): void => {
        turns += 1;
        if (ticking) setImmediate(tick);
      };
      setImmediate(tick);
      const read = await readSliced(cursor(300), (doc) => doc.n, 0);
      ticking = false;
      expect(read).to.have.length(300);
      // A slice of 0 ms yields after every document.
      expect(turns, 'turns of the event loop during the read').to.be.at.least(300);
    });

    it('closes the cursor when mapping a document throws', async () => {
      const reading = cursor(50);
      let error: unknown;
      try {
        await readSliced(reading, (doc) => {
          if (doc.n === 120) throw new Error('bad document');
          return doc.n;
        });
      } catch (caught) {
        error = caught;
      }
      expect((error as Error).message).to.equal('bad document');
      // The server still held 150 documents for it: closing it kills it there.
      expect(reading.killed, 'killCursors sent').to.equal(true);
    });
  });

  it('answers ping', async () => {
    await store.ping();
  });

  it('fails with MLGATE_STORE_UNAVAILABLE, naming the URI without credentials, when MongoDB is unreachable', async () => {
    try {
      await openMongoStore({ uri: 'mongodb://user:pw@127.0.0.1:1/', database: 'x', timeoutMs: 500 });
      expect.fail('expected a failure');
    } catch (error) {
      expect((error as MlgateError).code).to.equal('MLGATE_STORE_UNAVAILABLE');
      expect((error as Error).message).to.include('mongodb://<credentials>@127.0.0.1:1/');
      expect((error as Error).message).to.not.include('pw');
    }
  });

  it('fails requests with MLGATE_STORE_UNAVAILABLE once MongoDB goes away', async () => {
    const dir = tempDir('store-down');
    const second = await startFerretDB(dir.path);
    const doomed = await openMongoStore({ uri: second.uri, database: 'x', timeoutMs: 500 });
    try {
      await second.stop();
      try {
        await doomed.users.get('alice');
        expect.fail('expected a failure');
      } catch (error) {
        expect((error as MlgateError).code).to.equal('MLGATE_STORE_UNAVAILABLE');
        expect((error as MlgateError).status).to.equal(503);
      }
    } finally {
      await doomed.close();
      dir.remove();
    }
  });
});
