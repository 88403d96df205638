import { expect } from 'chai';

import { BoundedCache } from '../../../src/util/bounded-cache.js';

describe('bounded cache', () => {
  it('expires entries after the TTL', () => {
    let now = 0;
    const cache = new BoundedCache<string, number>({ ttlMs: 100, maxEntries: 10, now: () => now });
    cache.set('a', 1);
    now = 99;
    expect(cache.get('a')).to.equal(1);
    now = 100;
    expect(cache.get('a')).to.equal(undefined);
  });

  it('evicts the least recently used entry past the bound', () => {
    const cache = new BoundedCache<string, number>({ ttlMs: Infinity, maxEntries: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    expect(cache.get('b')).to.equal(undefined);
    expect(cache.get('a')).to.equal(1);
    expect(cache.size).to.equal(2);
  });

  it('stores nothing with a TTL of 0', () => {
    const cache = new BoundedCache<string, number>({ ttlMs: 0, maxEntries: 2 });
    cache.set('a', 1);
    expect(cache.get('a')).to.equal(undefined);
  });

  it('forgets entries by predicate', () => {
    const cache = new BoundedCache<string, number>({ ttlMs: Infinity, maxEntries: 5 });
    cache.set('x:1', 1);
    cache.set('x:2', 2);
    cache.set('y:1', 3);
    cache.deleteWhere((key) => key.startsWith('x:'));
    expect([cache.get('x:1'), cache.get('x:2'), cache.get('y:1')]).to.deep.equal([undefined, undefined, 3]);
  });
});

describe('bounded cache under a flood of entries nobody reads again', () => {
  it('drops expired entries as new ones arrive, long before the bound', () => {
    let now = 0;
    const cache = new BoundedCache<string, true>({ ttlMs: 2_000, maxEntries: 1_000_000, now: () => now });
    for (let i = 0; i < 10_000; i++) {
      now += 1;
      cache.set(`missing-${i}`, true);
    }
    expect(cache.size).to.be.at.most(2_001);
  });

  describe('getOrLoad', () => {
    /** A load the test settles by hand, counting how often it was started. */
    function controlledLoad(): { load: () => Promise<number>; calls: () => number; settle: (value: number) => void } {
      let calls = 0;
      let resolve: (value: number) => void = () => undefined;
      return {
        load: () => {
          calls += 1;
          return new Promise<number>((r) => (resolve = r));
        },
        calls: () => calls,
        settle: (value) => resolve(value),
      };
    }

    it('shares one load among callers asking for the same key meanwhile, then serves the cached value', async () => {
      const cache = new BoundedCache<string, number>({ ttlMs: 1_000, maxEntries: 10 });
      const loader = controlledLoad();
      const answers = Promise.all(Array.from({ length: 64 }, () => cache.getOrLoad('k', loader.load)));
      loader.settle(7);
      expect(await answers).to.deep.equal(Array.from({ length: 64 }, () => 7));
      expect(loader.calls()).to.equal(1);
      expect(await cache.getOrLoad('k', loader.load)).to.equal(7);
      expect(loader.calls()).to.equal(1);
    });

    it('neither shares nor caches a load that began before an entry was deleted', async () => {
      const cache = new BoundedCache<string, number>({ ttlMs: 1_000, maxEntries: 10 });
      const before = controlledLoad();
      const first = cache.getOrLoad('k', before.load);
      cache.delete('k'); // e.g. the grant changed while it was being read
      const after = controlledLoad();
      const second = cache.getOrLoad('k', after.load);
      before.settle(1);
      after.settle(2);
      expect([await first, await second]).to.deep.equal([1, 2]);
      expect(after.calls()).to.equal(1);
      expect(cache.get('k')).to.equal(2);
    });

    it('shares a failure without caching it', async () => {
      const cache = new BoundedCache<string, number>({ ttlMs: 1_000, maxEntries: 10 });
      let calls = 0;
      const failing = (): Promise<number> => {
        calls += 1;
        return Promise.reject(new Error('store unreachable'));
      };
      const results = await Promise.allSettled([cache.getOrLoad('k', failing), cache.getOrLoad('k', failing)]);
      expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
      expect(calls).to.equal(1);
      expect(await cache.getOrLoad('k', () => Promise.resolve(3))).to.equal(3);
    });
  });
});
