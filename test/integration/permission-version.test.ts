/**
 * The permission version on FerretDB with an older mlgate writing beside this one (a rolling upgrade): an older
 * mlgate writes a rule and `{_id: "permissions"}` with a new data version and no part. A replica must read
 * everything then, also when a write of this version follows before the replica polled (h/attack-delta: that write's
 * part used to be all a replica read, and the older write stayed unseen until the next full read, up to 10 minutes).
 */
import { expect } from 'chai';
import { type Db, MongoClient } from 'mongodb';

import { readData } from '../../src/policy/data-reader.js';
import { openMongoStore } from '../../src/store/mongo/store.js';
import type { Store } from '../../src/store/types.js';
import { type FerretDB, startFerretDB } from '../../scripts/services.js';
import { tempDir } from '../helpers/tmp.js';

describe('permission version with an older mlgate writing (FerretDB)', () => {
  const tmp = tempDir('permission-version');
  let ferret: FerretDB;
  let store: Store;
  let client: MongoClient;
  let db: Db;

  before(async () => {
    ferret = await startFerretDB(tmp.path);
    store = await openMongoStore({ uri: ferret.uri, database: 'pv_test', timeoutMs: 5000 });
    client = await MongoClient.connect(ferret.uri);
    db = client.db('pv_test');
  });

  after(async () => {
    await client?.close();
    await store?.close();
    await ferret?.stop();
    tmp.remove();
  });

  const reader = () => ({
    version: store.permissionVersion,
    rules: store.regexRules,
    groups: store.groups,
    now: () => Date.now(),
  });

  /** What an mlgate before parts does: the rule, then a new version and data version in the shared document. */
  async function olderMlgateAdds(principal: string): Promise<void> {
    await db.collection('regex_rules').insertOne({
      _id: `older-${principal}` as never,
      resourceType: 'experiment',
      principalType: 'user',
      principal,
      pattern: 'older/.*',
      priority: 1,
      permission: 'READ',
      createdAt: new Date(),
      createdBy: 'older',
    });
    const version = `older-${Date.now()}-${principal}`;
    await db
      .collection('meta')
      .updateOne({ _id: 'permissions' as never }, { $set: { version, dataVersion: version } }, { upsert: true });
  }

  const rule = (principal: string) => ({
    resourceType: 'experiment' as const,
    principalType: 'user' as const,
    principal,
    pattern: 'new/.*',
    priority: 1,
    permission: 'READ' as const,
    createdBy: 't',
  });

  const principals = (read: { rules: readonly { principal: string }[] }) => read.rules.map((r) => r.principal).sort();

  it('reads everything after an older write alone', async () => {
    await store.regexRules.add(rule('first'));
    const first = await readData(reader(), undefined);
    await olderMlgateAdds('older-alone');
    const next = await readData(reader(), first.state);
    expect(next.how).to.deep.equal({ full: true });
    expect(principals(next)).to.include('older-alone');
  });

  it('reads everything when a write of this version follows an older write before the replica polls', async () => {
    const before = await readData(reader(), undefined);
    await olderMlgateAdds('older-then-new');
    await store.regexRules.add(rule('new-after-older'));
    const next = await readData(reader(), before.state);
    expect(principals(next)).to.include.members(['older-then-new', 'new-after-older']);
    // And the write after that names its part only again.
    await store.regexRules.add(rule('new-again'));
    const again = await readData(reader(), next.state);
    expect(again.how).to.deep.equal({ full: false, parts: 1 });
    expect(principals(again)).to.include('new-again');
  });
});
