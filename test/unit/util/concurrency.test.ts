import { expect } from 'chai';

import { mapLimited, mapLimitedUntil } from '../../../src/util/concurrency.js';

describe('mapLimited', () => {
  it('keeps at most `limit` calls in flight and the results in order', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapLimited(
      Array.from({ length: 40 }, (_, i) => i),
      8,
      async (i) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, (i * 7) % 5));
        inFlight -= 1;
        return i * 2;
      },
    );
    expect(peak).to.equal(8);
    expect(results).to.deep.equal(Array.from({ length: 40 }, (_, i) => i * 2));
  });

  it('handles an empty list and rejects with the first failure', async () => {
    expect(await mapLimited([], 8, () => Promise.resolve(1))).to.deep.equal([]);
    try {
      await mapLimited([1, 2, 3], 2, (i) => (i === 2 ? Promise.reject(new Error('boom')) : Promise.resolve(i)));
      expect.fail('expected a rejection');
    } catch (error) {
      expect((error as Error).message).to.equal('boom');
    }
  });
});

describe('mapLimitedUntil', () => {
  it('starts nothing after a result that stops the work, and returns the earliest such result', async () => {
    const started: number[] = [];
    const outcome = await mapLimitedUntil(
      Array.from({ length: 100 }, (_, i) => i),
      4,
      async (i) => {
        started.push(i);
        await new Promise((resolve) => setImmediate(resolve));
        return i;
      },
      (i) => i === 2 || i === 3,
    );
    expect(outcome).to.deep.equal({ stopped: true, result: 2 });
    expect(started.length).to.be.at.most(8);
  });

  it('returns every result when nothing stops the work', async () => {
    expect(
      await mapLimitedUntil(
        [1, 2, 3],
        2,
        (i) => Promise.resolve(i * 10),
        () => false,
      ),
    ).to.deep.equal({
      stopped: false,
      results: [10, 20, 30],
    });
  });
});
