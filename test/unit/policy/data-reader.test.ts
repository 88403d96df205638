import { expect } from 'chai';

import {
  type DataRead,
  type DataReaderDeps,
  FORGET_ABOVE,
  FORGET_AFTER_MS,
  FULL_READ_EVERY_MS,
  MAX_PARTS,
  type ReadState,
  partsToForget,
  readData,
} from '../../../src/policy/data-reader.js';
import { partKey, rulesPart } from '../../../src/store/data-parts.js';
import { createMemoryStore } from '../../../src/store/memory/store.js';
import type { PrincipalType, Store } from '../../../src/store/types.js';

/** A small deterministic random source (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const byId = (a: { id: string }, b: { id: string }): number => a.id.localeCompare(b.id);
const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name);

describe('reading the permission data by changed parts (data-reader.ts)', () => {
  let store: Store;
  let now: number;
  let state: ReadState | undefined;
  const deps = (version: DataReaderDeps['version'] = store.permissionVersion): DataReaderDeps => ({
    version,
    rules: store.regexRules,
    groups: store.groups,
    now: () => now,
  });
  const read = async (): Promise<DataRead> => {
    const result = await readData(deps(), state);
    state = result.state;
    return result;
  };
  const addRule = (principalType: PrincipalType, principal: string, pattern: string, priority = 1) =>
    store.regexRules.add({
      resourceType: 'experiment',
      principalType,
      principal,
      pattern,
      priority,
      permission: 'READ',
      createdBy: 't',
    });
  /** What reading everything gives now, in a comparable order. */
  const everything = async () => ({
    rules: (await store.regexRules.listForPolicy()).sort(byId),
    groups: (await store.groups.list()).sort(byName),
  });
  const comparable = (result: DataRead) => ({
    rules: [...result.rules].sort(byId),
    groups: [...result.groups].sort(byName),
  });

  beforeEach(() => {
    store = createMemoryStore();
    now = 0;
    state = undefined;
  });

  it('reads everything the first time, then only the principal or group a write changed', async () => {
    await addRule('group', 'team-a', 'a/.*');
    await addRule('group', 'team-b', 'b/.*');
    await store.groups.create({ name: 'team-a', description: '', creatorPermission: null, createdBy: 't' });
    expect((await read()).how).to.deep.equal({ full: true });
    await addRule('group', 'team-a', 'a2/.*', 2);
    const one = await read();
    expect(one.how).to.deep.equal({ full: false, parts: 1 });
    expect(comparable(one)).to.deep.equal(await everything());
    await store.groups.update('team-a', { creatorPermission: 'EDIT' });
    const group = await read();
    expect(group.how).to.deep.equal({ full: false, parts: 1 });
    expect(group.groups.find((g) => g.name === 'team-a')?.creatorPermission).to.equal('EDIT');
  });

  it("drops a principal's rules when its last one is removed, and a group deleted", async () => {
    const only = await addRule('user', 'alice', 'x/.*');
    await store.groups.create({ name: 'gone', description: '', creatorPermission: null, createdBy: 't' });
    await read();
    await store.regexRules.remove(only.id);
    await store.groups.delete('gone');
    const result = await read();
    expect(result.how).to.deep.equal({ full: false, parts: 2 });
    expect(result.rules).to.deep.equal([]);
    expect(result.groups).to.deep.equal([]);
  });

  it('reads everything after a data write that named no parts', async () => {
    await addRule('user', 'alice', 'x/.*');
    await read();
    await store.permissionVersion.bump();
    expect((await read()).how).to.deep.equal({ full: true });
  });

  it('reads everything when the data version changed and no part did (a writer that records no parts)', async () => {
    await read();
    // What an older mlgate does: a new data version, no part, no `full`.
    const version = store.permissionVersion;
    const parts = await version.readParts();
    const older = {
      readParts: () => Promise.resolve({ ...parts, data: 'written-by-an-older-mlgate' }),
    };
    const result = await readData(deps(older), state);
    expect(result.how).to.deep.equal({ full: true });
  });

  it('reads everything when the last data write recorded no part, even if another part changed before it', async () => {
    await read();
    await addRule('user', 'alice', 'x/.*');
    const parts = await store.permissionVersion.readParts();
    // A new mlgate wrote alice's rules, then an older one wrote something else: the data version is the older one's.
    const older = { readParts: () => Promise.resolve({ ...parts, data: 'written-by-an-older-mlgate' }) };
    expect((await readData(deps(older), state)).how).to.deep.equal({ full: true });
    expect((await readData(deps(), state)).how, 'the same, written by this version').to.deep.equal({
      full: false,
      parts: 1,
    });
  });

  it(`reads everything past ${MAX_PARTS} changed parts, and every ${FULL_READ_EVERY_MS / 60_000} minutes`, async () => {
    await read();
    for (let i = 0; i <= MAX_PARTS; i++) await addRule('user', `u${i}`, 'x/.*');
    expect((await read()).how).to.deep.equal({ full: true });
    await addRule('user', 'one-more', 'x/.*');
    now += FULL_READ_EVERY_MS - 1;
    expect((await read()).how).to.deep.equal({ full: false, parts: 1 });
    await addRule('user', 'and-another', 'x/.*');
    now += 1;
    expect((await read()).how).to.deep.equal({ full: true });
  });

  describe('forgetting old parts, to keep the version document small', () => {
    it(`forgets none at ${FORGET_ABOVE} parts or fewer, then those known at their version for 30 minutes`, async () => {
      for (let i = 0; i < FORGET_ABOVE; i++) await addRule('user', `u${i}`, 'x/.*');
      await read();
      now += FORGET_AFTER_MS;
      expect(partsToForget(state as ReadState, now)).to.deep.equal([]);
      await addRule('user', 'fresh', 'x/.*');
      await read();
      const forget = partsToForget(state as ReadState, now);
      expect(forget).to.have.length(FORGET_ABOVE);
      expect(forget).to.not.include(partKey(rulesPart({ principalType: 'user', principal: 'fresh' })));
      // A part written again is known at its new version from then on.
      await addRule('user', 'u0', 'y/.*');
      await read();
      expect(partsToForget(state as ReadState, now)).to.not.include(
        partKey(rulesPart({ principalType: 'user', principal: 'u0' })),
      );
    });

    it('forgets them only while the data version is the one read, and a replica holding one reads it again', async () => {
      await addRule('user', 'alice', 'x/.*');
      await addRule('user', 'bob', 'x/.*');
      await read();
      const { data } = await store.permissionVersion.readParts();
      const alice = partKey(rulesPart({ principalType: 'user', principal: 'alice' }));
      await addRule('user', 'carol', 'x/.*');
      expect(await store.permissionVersion.forgetParts([alice], data), 'the data changed since').to.equal(false);
      const after = await read();
      expect(await store.permissionVersion.forgetParts([alice], after.data)).to.equal(true);
      expect((await store.permissionVersion.readParts()).parts.has(alice)).to.equal(false);
      await store.regexRules.removeAllForPrincipal('user', 'bob');
      const next = await read();
      expect(next.how, "bob's change, and alice's part gone").to.deep.equal({ full: false, parts: 2 });
      expect(comparable(next)).to.deep.equal(await everything());
    });
  });

  it('reads everything for a part key it does not know', async () => {
    await read();
    await addRule('user', 'alice', 'x/.*');
    const parts = await store.permissionVersion.readParts();
    const unknown = new Map(parts.parts).set('["a-kind-of-part-from-a-newer-mlgate"]', parts.data);
    const result = await readData(deps({ readParts: () => Promise.resolve({ ...parts, parts: unknown }) }), state);
    expect(result.how).to.deep.equal({ full: true });
  });

  it('always gives what a full read gives, over 400 random writes (oracle)', async () => {
    const random = seeded(8);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const principals = ['a', 'b', 'c', 'team.x', '$d'];
    let partial = 0;
    await read();
    for (let step = 0; step < 400; step++) {
      if (random() < 0.1) {
        // Another replica forgets some parts this one has read (partsToForget's condition).
        const { data, parts } = await store.permissionVersion.readParts();
        await store.permissionVersion.forgetParts(
          [...parts.keys()].filter(() => random() < 0.5),
          data,
        );
      }
      const writes = 1 + Math.floor(random() * 3);
      for (let w = 0; w < writes; w++) {
        const rules = await store.regexRules.list();
        const choice = random();
        if (choice < 0.35) {
          await addRule(
            pick(['user', 'group'] as const),
            pick(principals),
            `p${step}-${w}/.*`,
            Math.floor(random() * 5),
          );
        } else if (choice < 0.5 && rules.length > 0) {
          await store.regexRules.update(pick(rules).id, { priority: Math.floor(random() * 5), permission: 'EDIT' });
        } else if (choice < 0.65 && rules.length > 0) {
          await store.regexRules.remove(pick(rules).id);
        } else if (choice < 0.7) {
          await store.regexRules.removeAllForPrincipal(pick(['user', 'group'] as const), pick(principals));
        } else if (choice < 0.8) {
          const name = pick(principals);
          if ((await store.groups.get(name)) === null) {
            await store.groups.create({ name, description: '', creatorPermission: null, createdBy: 't' });
          } else {
            await store.groups.update(name, { creatorPermission: pick(['READ', 'EDIT', null] as const) });
          }
        } else if (choice < 0.88) {
          await store.groups.delete(pick(principals));
        } else if (choice < 0.92) {
          await store.permissionVersion.bump();
        } else {
          await store.grants.put({
            resourceType: 'experiment',
            resourceId: String(step),
            principalType: 'user',
            principal: pick(principals),
            permission: 'READ',
            createdBy: 't',
          });
        }
      }
      const result = await read();
      if (!result.how.full) partial += 1;
      expect(comparable(result), `step ${step}`).to.deep.equal(await everything());
    }
    expect(partial, 'reads by parts').to.be.above(200);
  });
});
