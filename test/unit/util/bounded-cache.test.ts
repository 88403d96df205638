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

  it('clears every entry, and keeps its bound and TTL afterwards', () => {
    let now = 1_000;
    const cache = new BoundedCache<string, number>({ ttlMs: 100, maxEntries: 2, now: () => now });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.clear();
    expect([cache.get('a'), cache.get('b'), cache.size]).to.deep.equal([undefined, undefined, 0]);
    cache.set('c', 3);
    cache.set('d', 4);
    cache.set('e', 5);
    expect([cache.get('c'), cache.get('d'), cache.get('e')], 'the bound of 2').to.deep.equal([undefined, 4, 5]);
    now += 100;
    expect(cache.get('e'), 'the TTL').to.equal(undefined);
  });

  it('tells onDrop of each key evicted, expired or deleted, not of one set again nor of a clear', () => {
    let now = 1_000;
    const dropped: string[] = [];
    const cache = new BoundedCache<string, number>({
      ttlMs: 100,
      maxEntries: 2,
      now: () => now,
      onDrop: (key) => dropped.push(key),
    });
    cache.set('a', 1);
    cache.set('a', 2);
    cache.set('b', 3);
    cache.set('c', 4); // evicts a
    cache.delete('b');
    now += 100;
    cache.get('c'); // expired
    cache.set('d', 5);
    cache.clear();
    expect(dropped).to.deep.equal(['a', 'b', 'c']);
  });

  it('stays empty when cleared with caching disabled', () => {
    const cache = new BoundedCache<string, number>({ ttlMs: 0, maxEntries: 2 });
    cache.clear();
    cache.set('a', 1);
    expect(cache.get('a')).to.equal(undefined);
  });
});

describe('bounded cache on lru-cache: the TTL with an injected clock', () => {
  // The reads below come within one real millisecond: the injected clock must be read on each (no cached reading).
  it('serves an entry until it is ttlMs old, whatever the clock read when it was set (0 and 1 included)', () => {
    for (const setAt of [-5, 0, 1, 2, 1_700_000_000_000]) {
      let now = setAt;
      const cache = new BoundedCache<string, number>({ ttlMs: 10, maxEntries: 10, now: () => now });
      cache.set('a', 1);
      now = setAt + 9;
      expect(cache.get('a'), `set at ${setAt}, read 9 ms later`).to.equal(1);
      now = setAt + 10;
      expect(cache.get('a'), `set at ${setAt}, read 10 ms later`).to.equal(undefined);
    }
  });

  it('does not extend an entry on a read, and restarts it on a set', () => {
    let now = 0;
    const cache = new BoundedCache<string, number>({ ttlMs: 100, maxEntries: 10, now: () => now });
    cache.set('read', 1);
    cache.set('reset', 1);
    now = 60;
    expect(cache.get('read')).to.equal(1);
    cache.set('reset', 2);
    now = 100;
    expect(cache.get('read')).to.equal(undefined);
    expect(cache.get('reset')).to.equal(2);
    now = 160;
    expect(cache.get('reset')).to.equal(undefined);
  });

  it('drops an expired entry when it is read', () => {
    let now = 0;
    const cache = new BoundedCache<string, number>({ ttlMs: 100, maxEntries: 10, now: () => now });
    cache.set('a', 1);
    cache.set('b', 2);
    now = 100;
    cache.get('a');
    expect(cache.size).to.equal(1);
  });

  it('keeps entries with an infinite TTL until they are evicted', () => {
    let now = 0;
    const cache = new BoundedCache<string, number>({ ttlMs: Infinity, maxEntries: 2, now: () => now });
    cache.set('a', 1);
    now = Number.MAX_SAFE_INTEGER;
    expect(cache.get('a')).to.equal(1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).to.deep.equal([undefined, 2, 3]);
  });

  it('caches null (a value found missing) as a value', () => {
    const cache = new BoundedCache<string, string | null>({ ttlMs: 1_000, maxEntries: 10 });
    cache.set('gone', null);
    expect(cache.get('gone')).to.equal(null);
  });

  it('evicts by recency of use (a read moves an entry last), after dropping expired entries at the front', () => {
    let now = 0;
    const cache = new BoundedCache<string, number>({ ttlMs: 100, maxEntries: 3, now: () => now });
    cache.set('old', 1);
    now = 50;
    cache.set('a', 2);
    cache.set('b', 3);
    now = 100;
    cache.set('c', 4); // 'old' expired: dropped, so nothing live is evicted
    expect([cache.get('old'), cache.get('a'), cache.get('b'), cache.get('c')]).to.deep.equal([undefined, 2, 3, 4]);
    cache.get('a');
    cache.set('d', 5);
    expect([cache.get('b'), cache.get('a'), cache.get('c'), cache.get('d')]).to.deep.equal([undefined, 2, 4, 5]);
  });

  it('allocates nothing up front for its bound', () => {
    const before = process.memoryUsage().heapUsed;
    const caches = Array.from(
      { length: 4 },
      () => new BoundedCache<string, number>({ ttlMs: 1_000, maxEntries: 10_000_000 }),
    );
    expect(process.memoryUsage().heapUsed - before).to.be.below(4 * 1024 * 1024);
    expect(caches.map((cache) => cache.size)).to.deep.equal([0, 0, 0, 0]);
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

    it('does not cache a load that began before the cache was cleared', async () => {
      const cache = new BoundedCache<string, number>({ ttlMs: 1_000, maxEntries: 10 });
      const before = controlledLoad();
      const first = cache.getOrLoad('k', before.load);
      cache.clear(); // the permission data changed while it was being read
      before.settle(1);
      expect(await first).to.equal(1);
      expect(cache.get('k')).to.equal(undefined);
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
