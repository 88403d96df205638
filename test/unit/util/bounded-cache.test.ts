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
});
