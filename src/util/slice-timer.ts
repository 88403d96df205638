/**
 * Times the synchronous slices of a long task that yields to the event loop between them (a reload of the policy
 * data): how long each held the loop, by the clock and in CPU time. The clock counts time the process lost to
 * other processes on a busy machine; the CPU time does not (but counts V8's helper threads, such as concurrent
 * garbage collection, running meanwhile): the smaller of the two is the better estimate of the slice's own work.
 */
export interface SliceTimes {
  readonly slices: number;
  /** The longest slice by the clock (ms). */
  readonly longestMs: number;
  /** The longest slice by min(clock, CPU time) (ms): its own work, without time lost to other processes. */
  readonly longestWorkMs: number;
}

export interface SliceTimer {
  /** Starts a slice (at the start of the task, and after each yield). */
  start(): void;
  /** Ends the slice started last. */
  end(): void;
  /** The milliseconds the current slice has run, by the clock. */
  elapsed(): number;
  times(): SliceTimes;
}

export const NO_SLICES: SliceTimes = { slices: 0, longestMs: 0, longestWorkMs: 0 };

/** The clocks a slice timer reads (ms). */
export interface SliceClock {
  readonly now: () => number;
  /** The process's CPU time. */
  readonly cpuMs: () => number;
}

export const PROCESS_CLOCK: SliceClock = {
  now: () => performance.now(),
  cpuMs: () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e3;
  },
};

export function createSliceTimer(clock: SliceClock = PROCESS_CLOCK): SliceTimer {
  let startedAt = 0;
  let cpuAt = 0;
  let times: SliceTimes = NO_SLICES;
  return {
    start() {
      startedAt = clock.now();
      cpuAt = clock.cpuMs();
    },
    end() {
      const ms = clock.now() - startedAt;
      const cpuMs = clock.cpuMs() - cpuAt;
      times = {
        slices: times.slices + 1,
        longestMs: Math.max(times.longestMs, ms),
        longestWorkMs: Math.max(times.longestWorkMs, Math.min(ms, cpuMs)),
      };
    },
    elapsed: () => clock.now() - startedAt,
    times: () => times,
  };
}

/** The longest of several tasks' slices. */
export function longestOf(...all: readonly SliceTimes[]): SliceTimes {
  return all.reduce<SliceTimes>(
    (a, b) => ({
      slices: a.slices + b.slices,
      longestMs: Math.max(a.longestMs, b.longestMs),
      longestWorkMs: Math.max(a.longestWorkMs, b.longestWorkMs),
    }),
    NO_SLICES,
  );
}
