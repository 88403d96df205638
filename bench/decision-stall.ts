/**
 * Whether decisions stall while the permission data is reloaded and swapped in (issue 8: no request stalled by more
 * than 5 ms during an update). Run by bench/decision-scale.ts in a process of its own, over the FerretDB it filled
 * (BENCH_STALL_MONGODB_URI): this process holds what a gateway holds — the policy engine with the 1,000 rules in its
 * data, live data polling the store, the driver, a warm grant cache — and not the benchmark's generated data sets
 * (100,000 grants twice over, a heap of 110-140 MiB in which every scavenge took 2-5 ms and decided the result).
 *
 * Decisions run back to back on the event loop while rules are added and removed through a second connection. Each
 * decision, and the wait before it, is classed by whether it overlaps a reload (from reading the rules to the new
 * data in place), so a garbage collection or other noise between reloads is not blamed on them. Sends its figures to
 * the parent process (or prints the verdict when run alone).
 */
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

import { loadConfig } from '../src/config/load.js';
import { defaultBundlePath } from '../src/paths.js';
import { readBundle } from '../src/policy/bundle.js';
import { runtimeData } from '../src/policy/data.js';
import { type DecisionEngine, createDecisionEngine } from '../src/policy/engine.js';
import type { LiveData, ReloadSlices } from '../src/policy/live-data.js';
import { createPatternChecker } from '../src/policy/patterns.js';
import { type GrantSource, createCachedGrantSource } from '../src/store/grant-cache.js';
import { openMongoStore } from '../src/store/mongo/store.js';
import type { GrantRepository, Store } from '../src/store/types.js';
import { preferShortGcPauses } from '../src/util/gc-pauses.js';
import { NO_SLICES } from '../src/util/slice-timer.js';
import {
  DATA_LOAD,
  type Reload,
  type Request,
  SDK_SET_DATA,
  STALL_TARGET_MS,
  type StallSummary,
  liveDataOf,
  sampleRequests,
  until,
  wholeDecision,
} from './decision-common.js';
import { envNumber, generateScaleData, grantsInMemory, scaleFromEnv, seededRandom } from './scale-data.js';
import { fixed, summarize, table } from './stats.js';

const SCALE = scaleFromEnv();
/** Distinct (caller, experiment) pairs decided (BENCH_WARM_POOL), all in the grant cache. */
const WARM_POOL = envNumber('BENCH_WARM_POOL', 2_000);
/** Rules added and removed (two reloads each) during the test. */
const UPDATES = envNumber('BENCH_UPDATES', 10);
/** BENCH_STALL_EACH=1 prints each reload's longest slices (to stderr) as it happens. */
const EACH_RELOAD = process.env['BENCH_STALL_EACH'] === '1';
const NO_RELOAD: ReloadSlices = { ...NO_SLICES, byPart: { check: NO_SLICES, build: NO_SLICES, load: NO_SLICES } };

/** The requests decided, and an in-memory copy of only the grants they read (the generated data then dropped). */
async function prepare(): Promise<{ pool: Request[]; grants: GrantRepository; groups: string[]; rules: number }> {
  const data = generateScaleData(SCALE);
  const pool = sampleRequests(data, WARM_POOL, seededRandom(SCALE.seed + 2));
  const ids = new Set(pool.flatMap((request) => request.targets.map((target) => target.id)));
  const grants = await grantsInMemory(data.grants, (grant) => ids.has(grant.resourceId));
  return { pool, grants, groups: [...data.groups], rules: data.rules.length };
}

interface Sample {
  readonly phase: 'idle' | 'update';
  readonly from: number;
  readonly to: number;
  /** Waiting before the decision (ms), and the decision (ms). */
  readonly gap: number;
  readonly latency: number;
  /**
   * The wait as the process's own work: the smaller of the wait and the CPU time the process used meanwhile (ms). A
   * wait far longer than that is time the kernel gave other processes (FerretDB answering the reload's read shares
   * the two cores), not work of the gateway's.
   */
  readonly gapWork: number;
}

/** Numbers kept per sample (from, to, gap, latency, gapWork). */
const COLUMNS = 5;

/** Decisions recorded at most (about 15,000 a second on a quiet machine; the test lasts 10-20 s). */
const MAX_SAMPLES = 1_000_000;

/**
 * The samples, kept in typed arrays allocated before the test: recording one allocates nothing on the heap whose
 * collections the test measures (a million sample objects grew it by tens of MiB, and every mark-compact with it).
 */
function createRecorder(capacity: number): {
  record(phase: Sample['phase'], from: number, to: number, gap: number, latency: number, gapWork: number): void;
  samples(): Sample[];
} {
  const values = new Float64Array(capacity * COLUMNS);
  const updates = new Uint8Array(capacity);
  let count = 0;
  return {
    record(phase, from, to, gap, latency, gapWork) {
      if (count === capacity) throw new Error(`more than ${capacity} decisions: raise MAX_SAMPLES`);
      const at = count * COLUMNS;
      values[at] = from;
      values[at + 1] = to;
      values[at + 2] = gap;
      values[at + 3] = latency;
      values[at + 4] = gapWork;
      updates[count] = phase === 'update' ? 1 : 0;
      count += 1;
    },
    samples: () =>
      Array.from({ length: count }, (_, i) => ({
        phase: updates[i] === 1 ? 'update' : 'idle',
        from: values[i * COLUMNS] as number,
        to: values[i * COLUMNS + 1] as number,
        gap: values[i * COLUMNS + 2] as number,
        latency: values[i * COLUMNS + 3] as number,
        gapWork: values[i * COLUMNS + 4] as number,
      })),
  };
}

async function stalls(
  pool: readonly Request[],
  groups: readonly string[],
  writer: Store,
  live: LiveData,
  reloads: readonly Reload[],
  grants: GrantSource,
  engine: DecisionEngine,
): Promise<{
  rows: string[][];
  summary: StallSummary;
  slices: ReloadSlices[];
  gc: { count: number; longestMs: number };
}> {
  for (const request of pool) await wholeDecision(grants, engine, request);
  let running = true;
  let phase: Sample['phase'] = 'idle';
  const recorder = createRecorder(MAX_SAMPLES);
  const loop = (async () => {
    let last = performance.now();
    let lastCpu = cpuMs();
    let i = 0;
    while (running) {
      const start = performance.now();
      const gapWork = Math.min(start - last, cpuMs() - lastCpu);
      const timed = await wholeDecision(grants, engine, pool[i++ % pool.length] as Request);
      const end = performance.now();
      recorder.record(phase, last, end, start - last, timed.whole / 1e3, gapWork);
      last = end;
      lastCpu = cpuMs();
      await nextTurn();
    }
  })();
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  // Garbage collections, to tell a pause of the process from the reload's own work.
  const collections: { start: number; end: number }[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      collections.push({ start: entry.startTime, end: entry.startTime + entry.duration });
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  await sleep(3_000); // without updates, for comparison
  const idleDelay = delay.max / 1e6;
  delay.reset();
  const firstReload = reloads.length;
  /** The slices of each reload, as live data measures them (check new patterns, build, each slice of the load). */
  const slices: ReloadSlices[] = [];
  phase = 'update';
  const applied = async (): Promise<void> => {
    const version = (await writer.permissionVersion.read()).any;
    await until(() => live.status().version === version);
    const reload = live.status().reloadSlices ?? NO_RELOAD;
    slices.push(reload);
    if (EACH_RELOAD) {
      const { check, build, load } = reload.byPart;
      console.error(
        `reload ${slices.length}: longest slice (ms) check ${fixed(check.longestMs, 2)}, build ${fixed(build.longestMs, 2)}, load ${fixed(load.longestMs, 2)}`,
      );
    }
    await sleep(100);
  };
  for (let i = 0; i < UPDATES; i++) {
    const rule = await writer.regexRules.add({
      resourceType: 'experiment',
      principalType: 'group',
      principal: groups[i % groups.length] as string,
      pattern: `stall-probe-${i}/.*`,
      priority: 5,
      permission: 'READ',
      createdBy: 'bench',
    });
    await applied();
    await writer.regexRules.remove(rule.id);
    await applied();
  }
  const updateDelay = delay.max / 1e6;
  delay.disable();
  gcObserver.disconnect();
  running = false;
  await loop;
  const samples = recorder.samples();
  const windows = reloads.slice(firstReload);
  const gcDuring = collections.filter((c) => windows.some((w) => c.start <= w.end && c.end >= w.start));
  const overlaps = (s: { from: number; to: number }): boolean =>
    windows.some((w) => s.from <= w.end && s.to >= w.start);
  const row = (name: string, chosen: readonly Sample[], loopDelay: string): string[] => {
    const latencies = chosen.map((x) => x.latency);
    const s = summarize(latencies, 1);
    return [
      name,
      String(chosen.length),
      fixed(s.p50 * 1e3, 1),
      fixed(s.p99 * 1e3, 1),
      fixed(Math.max(...latencies), 2),
      fixed(Math.max(...chosen.map((x) => x.gap)), 2),
      loopDelay,
      String(chosen.filter((x) => x.latency + x.gap > STALL_TARGET_MS).length),
      String(chosen.filter((x) => x.latency + x.gapWork > STALL_TARGET_MS).length),
    ];
  };
  const during = samples.filter((x) => x.phase === 'update' && overlaps(x));
  return {
    rows: [
      row(
        'no updates (3 s)',
        samples.filter((x) => x.phase === 'idle'),
        fixed(idleDelay, 2),
      ),
      row(`during the ${windows.length} reloads`, during, fixed(updateDelay, 2)),
      row(
        'between the reloads',
        samples.filter((x) => x.phase === 'update' && !overlaps(x)),
        '″',
      ),
    ],
    summary: {
      worstGapMs: Math.max(...during.map((x) => x.gap + x.latency)),
      worstGapWorkMs: Math.max(...during.map((x) => x.gapWork + x.latency)),
      longestSliceMs: Math.max(...slices.map((s) => s.longestMs)),
      longestWorkMs: Math.max(...slices.map((s) => s.longestWorkMs)),
    },
    slices,
    gc: { count: gcDuring.length, longestMs: Math.max(0, ...gcDuring.map((c) => c.end - c.start)) },
  };
}

const p50 = (values: number[]): number => summarize(values, 1).p50;

/** CPU time the process has used (user + system, all its threads), in ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e3;
}

function report(result: Awaited<ReturnType<typeof stalls>>, rules: number, intervalMs: number, heapMiB: number): void {
  console.log(
    `\nDecisions back to back on the event loop while the ${rules} rules are reloaded and swapped in ` +
      `(refresh_interval_ms ${intervalMs}; grants from a cache that stays filled; data loaded ` +
      `${SDK_SET_DATA ? "by the SDK's setData in one call (BENCH_SDK_SET_DATA=1)" : 'a slice at a time'}; ` +
      `a process of its own, heap ${fixed(heapMiB, 1)} MiB used when it starts)\n`,
  );
  console.log(
    table(
      [
        'window',
        'decisions',
        'p50 µs',
        'p99 µs',
        'max ms',
        'max wait ms',
        'loop delay max ms',
        `wait + decision > ${STALL_TARGET_MS} ms`,
        'same, own work',
      ],
      result.rows,
    ),
  );
  const { slices } = result;
  const byClock = slices.map((s) => s.longestMs);
  const byWork = slices.map((s) => s.longestWorkMs);
  console.log(
    `\nLongest synchronous slice of each reload, measured by live data itself (checking new patterns, building ` +
      `the data, each slice of loading it; waiting behind other work is not counted), over ${byClock.length} ` +
      `reloads: by the clock p50 ${fixed(p50(byClock), 2)} ms, max ${fixed(Math.max(...byClock), 2)} ms; its own ` +
      `work (min of clock and process CPU time, which leaves out time lost to other processes) p50 ` +
      `${fixed(p50(byWork), 2)} ms, max ${fixed(Math.max(...byWork), 2)} ms; ` +
      `${fixed(p50(slices.map((s) => s.slices)), 0)} slices per reload (p50)`,
  );
  console.log(
    `Garbage collections overlapping the reloads: ${result.gc.count}, the longest ${fixed(result.gc.longestMs, 2)} ms ` +
      '(a pause of the whole process, counted in whichever slice it falls)',
  );
  const names = {
    check: 'checking new patterns',
    build: 'building the data',
    load: 'loading it into the new instance',
  };
  console.log(
    table(
      ['part of the reload', 'longest slice p50 ms', 'max ms', 'own work p50 ms', 'max ms', 'slices p50'],
      (['check', 'build', 'load'] as const).map((part) => {
        const clock = slices.map((s) => s.byPart[part].longestMs);
        const work = slices.map((s) => s.byPart[part].longestWorkMs);
        return [
          names[part],
          fixed(p50(clock), 2),
          fixed(Math.max(...clock), 2),
          fixed(p50(work), 2),
          fixed(Math.max(...work), 2),
          fixed(p50(slices.map((s) => s.byPart[part].slices)), 0),
        ];
      }),
    ),
  );
}

async function main(): Promise<void> {
  const uri = process.env['BENCH_STALL_MONGODB_URI'];
  if (uri === undefined) {
    console.error('BENCH_STALL_MONGODB_URI: the MongoDB that bench/decision-scale.js filled (it runs this itself)');
    process.exitCode = 2;
    return;
  }
  // As mlgate serve does (src/util/gc-pauses.ts); BENCH_PARALLEL_SCAVENGE=1 leaves V8's default, to compare.
  if (process.env['BENCH_PARALLEL_SCAVENGE'] !== '1') preferShortGcPauses();
  const { pool, grants: copy, groups, rules } = await prepare();
  // The generated data is garbage now: collected before measuring, when the process lets it (--expose-gc).
  (globalThis as { gc?: () => void }).gc?.();
  const heapMiB = process.memoryUsage().heapUsed / 2 ** 20;
  const { config } = loadConfig({ env: { MLGATE_SERVER_MODE: 'development' } });
  const base = runtimeData(config);
  const reader = await openMongoStore({ uri, database: 'mlgate', timeoutMs: 5_000 });
  const writer = await openMongoStore({ uri, database: 'mlgate', timeoutMs: 5_000 });
  try {
    const bundle = await readBundle(defaultBundlePath());
    const patterns = await createPatternChecker(bundle);
    const engine = createDecisionEngine({ dataLoad: DATA_LOAD });
    await engine.load(bundle, base);
    const grants = createCachedGrantSource(copy, { ttlMs: 600_000, maxEntries: 50_000 });
    const reloads: Reload[] = [];
    const interval = config.permissions.refresh_interval_ms;
    const isValidPattern = (pattern: string): boolean => patterns.problem(pattern) === null;
    const live = liveDataOf(reader, engine, grants, base, isValidPattern, interval, reloads);
    await live.start();
    const result = await stalls(pool, groups, writer, live, reloads, grants, engine);
    live.stop();
    report(result, rules, interval, heapMiB);
    if (process.send !== undefined) process.send(result.summary);
    else {
      const { worstGapMs, worstGapWorkMs } = result.summary;
      console.log(
        `\nLongest stall (wait + decision) during a reload ${fixed(worstGapMs, 2)} ms by the clock, ` +
          `${fixed(worstGapWorkMs, 2)} ms as own work (≤ ${STALL_TARGET_MS}: ` +
          `${worstGapWorkMs <= STALL_TARGET_MS ? 'met' : 'MISSED'})`,
      );
    }
  } finally {
    await reader.close();
    await writer.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
