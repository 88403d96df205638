/** Timing the synchronous slices of a task that yields between them (src/util/slice-timer.ts). */
import { expect } from 'chai';

import { NO_SLICES, createSliceTimer, longestOf } from '../../../src/util/slice-timer.js';

/** A clock whose readings the test sets. */
function fakeClock() {
  const state = { now: 0, cpu: 0 };
  return { state, clock: { now: () => state.now, cpuMs: () => state.cpu } };
}

describe('slice timer', () => {
  it('keeps the longest slice by the clock, and the longest own work (the smaller of clock and CPU time)', () => {
    const { state, clock } = fakeClock();
    const timer = createSliceTimer(clock);
    // 2 ms by the clock, of which the process ran 0.5 ms (the machine was busy elsewhere).
    timer.start();
    state.now += 2;
    state.cpu += 0.5;
    expect(timer.elapsed()).to.equal(2);
    timer.end();
    // 1 ms by the clock, 1.5 ms of CPU time (a helper thread collected garbage meanwhile).
    timer.start();
    state.now += 1;
    state.cpu += 1.5;
    timer.end();
    expect(timer.times()).to.deep.equal({ slices: 2, longestMs: 2, longestWorkMs: 1 });
  });

  it('starts with no slices, and combines several tasks', () => {
    expect(createSliceTimer().times()).to.deep.equal(NO_SLICES);
    expect(
      longestOf({ slices: 1, longestMs: 3, longestWorkMs: 0.5 }, NO_SLICES, {
        slices: 4,
        longestMs: 1,
        longestWorkMs: 0.9,
      }),
    ).to.deep.equal({ slices: 5, longestMs: 3, longestWorkMs: 0.9 });
  });

  it('reads the process clocks by default', () => {
    const timer = createSliceTimer();
    timer.start();
    let x = 0;
    for (let i = 0; i < 1e5; i++) x += i;
    timer.end();
    expect(x).to.be.greaterThan(0);
    const { longestMs, longestWorkMs } = timer.times();
    expect(longestMs).to.be.greaterThan(0);
    expect(longestWorkMs).to.be.at.least(0).and.at.most(longestMs);
  });
});
