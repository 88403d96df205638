import { expect } from 'chai';

import { createCachedGrantSource } from '../../../src/store/grant-cache.js';
import { createMemoryStore } from '../../../src/store/memory/store.js';
import type { GrantRepository } from '../../../src/store/types.js';

/** The memory store's grants, counting the look-ups that reach it. */
async function countedGrants(): Promise<{ grants: GrantRepository; reads: () => number }> {
  const { grants } = createMemoryStore();
  await grants.put({
    resourceType: 'experiment',
    resourceId: '1',
    principalType: 'user',
    principal: 'alice',
    permission: 'EDIT',
    createdBy: 'test',
  });
  let reads = 0;
  return {
    grants: {
      ...grants,
      forPrincipal: (...args) => {
        reads += 1;
        return grants.forPrincipal(...args);
      },
    },
    reads: () => reads,
  };
}

describe('cached grant source', () => {
  it('answers concurrent requests missing the same entry with one read of the store', async () => {
    const { grants, reads } = await countedGrants();
    const source = createCachedGrantSource(grants, { ttlMs: 5_000, maxEntries: 100 });
    const answers = await Promise.all(
      Array.from({ length: 64 }, () => source.forPrincipal('experiment', ['1'], 'alice', [])),
    );
    expect(reads()).to.equal(1);
    for (const answer of answers) expect(answer.get('1')?.user).to.equal('EDIT');
    await source.forPrincipal('experiment', ['1'], 'alice', []);
    expect(reads()).to.equal(1);
  });

  it('reads only the entries not already being read, and answers each caller with all it asked for', async () => {
    const { grants, reads } = await countedGrants();
    const source = createCachedGrantSource(grants, { ttlMs: 5_000, maxEntries: 100 });
    const [one, both] = await Promise.all([
      source.forPrincipal('experiment', ['1'], 'alice', []),
      source.forPrincipal('experiment', ['1', '2'], 'alice', []),
    ]);
    expect(reads()).to.equal(2); // ['1'], then ['2'] alone
    expect([...one.keys()]).to.deep.equal(['1']);
    expect([...both.keys()].sort()).to.deep.equal(['1', '2']);
    expect(both.get('1')?.user).to.equal('EDIT');
    expect(both.get('2')?.user).to.equal(null);
  });

  it('does not share or cache a read that began before the grants changed', async () => {
    const { grants, reads } = await countedGrants();
    const source = createCachedGrantSource(grants, { ttlMs: 5_000, maxEntries: 100 });
    const before = source.forPrincipal('experiment', ['1'], 'alice', []);
    await grants.remove('experiment', '1', 'user', 'alice');
    source.forgetResource('experiment', '1');
    const after = await source.forPrincipal('experiment', ['1'], 'alice', []);
    await before;
    expect(reads()).to.equal(2);
    expect(after.get('1')?.user).to.equal(null);
    expect((await source.forPrincipal('experiment', ['1'], 'alice', [])).get('1')?.user).to.equal(null);
    expect(reads()).to.equal(2);
  });

  describe('forgetting one resource', () => {
    it("drops every caller's entry of that resource, and only those", async () => {
      const { grants, reads } = await countedGrants();
      const source = createCachedGrantSource(grants, { ttlMs: 5_000, maxEntries: 100 });
      await source.forPrincipal('experiment', ['1', '2'], 'alice', []);
      await source.forPrincipal('experiment', ['1'], 'bob', ['team']);
      // Resource ids that a prefix match would confuse with '1'.
      await source.forPrincipal('experiment', ['10', '1"'], 'alice', []);
      await source.forPrincipal('registered_model', ['1'], 'alice', []);
      expect(reads()).to.equal(4);
      source.forgetResource('experiment', '1');
      await source.forPrincipal('experiment', ['2', '10', '1"'], 'alice', []);
      await source.forPrincipal('registered_model', ['1'], 'alice', []);
      expect(reads(), 'other resources still cached').to.equal(4);
      await source.forPrincipal('experiment', ['1'], 'alice', []);
      await source.forPrincipal('experiment', ['1'], 'bob', ['team']);
      expect(reads(), "both callers' entries of experiment 1 read again").to.equal(6);
    });

    it('keeps working on entries evicted, expired and cached again', async () => {
      const { grants, reads } = await countedGrants();
      let now = 0;
      const source = createCachedGrantSource(grants, { ttlMs: 1_000, maxEntries: 2, now: () => now });
      await source.forPrincipal('experiment', ['1'], 'alice', []);
      await source.forPrincipal('experiment', ['2'], 'alice', []);
      await source.forPrincipal('experiment', ['3'], 'alice', []); // evicts 1
      source.forgetResource('experiment', '1'); // no longer cached: nothing to drop
      await source.forPrincipal('experiment', ['1'], 'alice', []); // read again, evicts 2
      expect(reads()).to.equal(4);
      now += 1_000; // 3 and 1 expire
      await source.forPrincipal('experiment', ['3'], 'alice', []);
      expect(reads()).to.equal(5);
      source.forgetResource('experiment', '3');
      await source.forPrincipal('experiment', ['3'], 'alice', []);
      expect(reads(), 'forgotten after it was cached again').to.equal(6);
    });

    it('caches nothing, and indexes nothing, with a TTL of 0', async () => {
      const { grants, reads } = await countedGrants();
      const source = createCachedGrantSource(grants, { ttlMs: 0, maxEntries: 2 });
      await source.forPrincipal('experiment', ['1'], 'alice', []);
      source.forgetResource('experiment', '1');
      await source.forPrincipal('experiment', ['1'], 'alice', []);
      expect(reads()).to.equal(2);
    });
  });
});
