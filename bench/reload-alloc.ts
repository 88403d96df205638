/**
 * What one reload of the permission data allocates (issue 8: reloads drove full garbage collections, which stalled
 * decisions more than the reload's own slices did). 1,000 regex rules (BENCH_SCALE_RULES) in a real FerretDB, the
 * shipped bundle, live data as the gateway runs it. Prints, per reload (a rule added or removed through a second
 * connection, then one refresh): bytes allocated on the V8 heap, bytes promoted, and collections; then the same for
 * each part of a reload on its own. Bytes do not depend on how busy the machine is, unlike the latencies of
 * decision-scale.ts. Run with `node dist/bench/reload-alloc.js` (BENCH_RELOADS reloads, 20 by default;
 * BENCH_ALLOC_SITES=1 also prints where they allocate, by function, from a sampling heap profile).
 */
import { rmSync } from 'node:fs';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';

import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { MongoClient } from 'mongodb';

import { loadConfig } from '../src/config/load.js';
import { silentLogger } from '../src/logging.js';
import { defaultBundlePath } from '../src/paths.js';
import { readBundle } from '../src/policy/bundle.js';
import { runtimeData } from '../src/policy/data.js';
import { DEFAULT_DATA_LOAD } from '../src/policy/data-loader.js';
import { dataPieces } from '../src/policy/data-pieces.js';
import { type DecisionEngine, createDecisionEngine } from '../src/policy/engine.js';
import { buildPolicyInput } from '../src/policy/input.js';
import { createLiveData } from '../src/policy/live-data.js';
import { createPatternChecker } from '../src/policy/patterns.js';
import { buildPermissionData } from '../src/policy/permission-data.js';
import { collectionsOf } from '../src/store/mongo/collections.js';
import { openMongoStore } from '../src/store/mongo/store.js';
import type { Store } from '../src/store/types.js';
import { ROOT, startFerretDB } from '../scripts/services.js';
import { type Allocation, allocationSites, measureAllocation } from './alloc-meter.js';
import { type ScaleData, envNumber, generateScaleData, loadScaleData, scaleFromEnv } from './scale-data.js';
import { fixed, table } from './stats.js';

const RELOADS = envNumber('BENCH_RELOADS', 20);
const PART_RUNS = 5;
const KiB = 1024;

const perRun = (a: Allocation, runs: number): string[] => [
  fixed(a.bytes / runs / KiB, 0),
  fixed(a.promoted / runs / KiB, 0),
  String(a.markCompacts),
  String(a.collections),
];

/**
 * Runs `fn` while decisions run back to back, one per event-loop turn, as requests would: their garbage makes
 * scavenges run in the middle of a reload, which promote what the reload holds at that moment.
 */
async function underDecisions(data: ScaleData, engine: DecisionEngine, fn: () => Promise<void>): Promise<Allocation> {
  let running = true;
  let decisions = 0;
  const loop = (async () => {
    while (running) {
      const user = data.users[decisions % data.users.length];
      const experiment = data.experiments[decisions % data.experiments.length];
      engine.decide(
        buildPolicyInput({
          principal: {
            authenticated: true,
            username: user?.username ?? '',
            isAdmin: false,
            groups: user?.groups ?? [],
            method: 'basic',
          },
          operation: 'GetExperiment',
          targets: [
            {
              type: 'experiment',
              id: experiment?.id ?? '1',
              via: 'experiment',
              ref: '1',
              exists: true,
              name: experiment?.name,
            },
          ],
          grants: new Map(),
          method: 'GET',
          path: '/api/2.0/mlflow/experiments/get',
          now: new Date(),
        }),
      );
      decisions += 1;
      await nextTurn();
    }
  })();
  const { allocation } = await measureAllocation(fn);
  running = false;
  await loop;
  return allocation;
}

async function main(): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  const dir = join(ROOT, '.run', 'bench-reload-alloc');
  rmSync(dir, { recursive: true, force: true });
  const ferret = await startFerretDB(dir);
  const client = new MongoClient(ferret.uri);
  const stores: Store[] = [];
  try {
    const { config } = loadConfig({ env: { MLGATE_SERVER_MODE: 'development' } });
    const base = runtimeData(config);
    const reader = await openMongoStore({ uri: ferret.uri, database: 'mlgate', timeoutMs: 5_000 });
    const writer = await openMongoStore({ uri: ferret.uri, database: 'mlgate', timeoutMs: 5_000 });
    stores.push(reader, writer);
    // Only the rules matter to a reload: few users and grants, so the data loads fast.
    const data = generateScaleData({ ...scaleFromEnv(), users: 2_000, grants: 1_000 });
    await client.connect();
    await loadScaleData(collectionsOf(client.db('mlgate')), data, 5_000);
    await reader.permissionVersion.bump();

    const bundle = await readBundle(defaultBundlePath());
    const patterns = await createPatternChecker(bundle);
    const isValidPattern = (pattern: string): boolean => patterns.problem(pattern) === null;
    const engine = createDecisionEngine();
    await engine.load(bundle, base);
    const live = createLiveData({
      version: reader.permissionVersion,
      rules: reader.regexRules,
      groups: reader.groups,
      baseData: base,
      install: (d) => engine.setData(d),
      isValidPattern,
      intervalMs: 3_600_000,
      maxStaleMs: 3_600_000,
      logger: silentLogger,
    });
    await live.start();
    live.stop();

    // Warm-up: the code paths compiled, the pattern answers cached, as in a gateway that has run a while.
    let probe: string | undefined;
    const write = async (i: number): Promise<void> => {
      if (probe === undefined) {
        const rule = await writer.regexRules.add({
          resourceType: 'experiment',
          principalType: 'group',
          principal: data.groups[i % data.groups.length] as string,
          pattern: `alloc-probe-${i}/.*`,
          priority: 5,
          permission: 'READ',
          createdBy: 'bench',
        });
        probe = rule.id;
      } else {
        await writer.regexRules.remove(probe);
        probe = undefined;
      }
    };
    for (let i = 0; i < 4; i++) {
      await write(i);
      await live.refresh();
    }

    let total: Allocation = { bytes: 0, markCompacts: 0, collections: 0, promoted: 0 };
    const perReload: number[] = [];
    for (let i = 0; i < RELOADS; i++) {
      await write(i);
      const { allocation } = await measureAllocation(() => live.refresh());
      if (live.status().error !== undefined) throw new Error(live.status().error);
      perReload.push(allocation.bytes);
      total = {
        bytes: total.bytes + allocation.bytes,
        markCompacts: total.markCompacts + allocation.markCompacts,
        collections: total.collections + allocation.collections,
        promoted: total.promoted + allocation.promoted,
      };
    }
    const rows: string[][] = [[`whole reload (live.refresh), ${RELOADS} runs`, ...perRun(total, RELOADS)]];

    // The same reloads while decisions run (bytes then include the decisions'), and the decisions alone as long.
    let reloadsMs = 0;
    const busy = await underDecisions(data, engine, async () => {
      const started = performance.now();
      for (let i = 0; i < RELOADS; i++) {
        await write(i);
        await live.refresh();
      }
      reloadsMs = performance.now() - started;
    });
    const quiet = await underDecisions(data, engine, () => sleep(reloadsMs));
    rows.push([`${RELOADS} reloads while decisions run (${fixed(reloadsMs, 0)} ms)`, ...perRun(busy, RELOADS)]);
    rows.push([`  decisions alone for as long (per reload)`, ...perRun(quiet, RELOADS)]);

    // The parts of a reload on their own, PART_RUNS times each.
    const part = async (name: string, fn: () => Promise<unknown>): Promise<void> => {
      const { allocation } = await measureAllocation(async () => {
        for (let i = 0; i < PART_RUNS; i++) await fn();
      });
      rows.push([`  ${name}`, ...perRun(allocation, PART_RUNS)]);
    };
    const rules = await reader.regexRules.listForPolicy();
    const groups = await reader.groups.list();
    const answers = new Map(rules.map((r) => [r.pattern, isValidPattern(r.pattern)]));
    const built = await buildPermissionData(rules, groups, { isValidPattern: (p) => answers.get(p) === true });
    const document = { ...bundle.data, ...base, ...built.data };
    const module = await WebAssembly.compile(bundle.wasm);
    await part('read the rules (regexRules.listForPolicy)', () => reader.regexRules.listForPolicy());
    await part('  all their fields (regexRules.list)', () => reader.regexRules.list());
    await part('read the groups (groups.list)', () => reader.groups.list());
    await part('build the data (buildPermissionData)', () =>
      buildPermissionData(rules, groups, { isValidPattern: (p) => answers.get(p) === true }),
    );
    await part('cut it into pieces (dataPieces, JSON.stringify)', () => {
      let n = 0;
      for (const piece of dataPieces(document, DEFAULT_DATA_LOAD.pieceBytes)) n += piece.json.length;
      return Promise.resolve(n);
    });
    await part('a new instance (loadPolicy of the compiled module)', () => loadPolicy(module));
    await part('engine.setData (the instance replaced last + sliced load)', () =>
      engine.setData({ ...base, ...built.data }),
    );

    if (process.env['BENCH_ALLOC_SITES'] === '1') {
      const sites = await allocationSites(async () => {
        for (let i = 0; i < RELOADS; i++) {
          await write(i);
          await live.refresh();
        }
      });
      console.log(`\nWhere ${RELOADS} reloads allocate (sampled; KiB per reload, by function)\n`);
      console.log(
        table(
          ['KiB', 'function'],
          sites.map((s) => [fixed(s.bytes / RELOADS / KiB, 0), s.site]),
        ),
      );
    }
    console.log(
      `\nAllocation per reload of ${rules.length} regex rules, ${groups.length} groups (V8 heap; KiB per run; ` +
        `collections counted over all runs)\n`,
    );
    console.log(table(['what', 'allocated KiB', 'into old gen KiB', 'Mark-Compacts', 'collections'], rows));
    const sorted = [...perReload].sort((a, b) => a - b);
    console.log(
      `\nper reload: min ${fixed((sorted[0] ?? 0) / KiB, 0)} KiB, median ${fixed(
        (sorted[Math.floor(sorted.length / 2)] ?? 0) / KiB,
        0,
      )} KiB, max ${fixed((sorted.at(-1) ?? 0) / KiB, 0)} KiB; ${JSON.stringify(JSON.stringify(document).length)} ` +
        `bytes of data JSON; external memory now ${fixed(process.memoryUsage().external / KiB / KiB, 1)} MiB`,
    );
  } finally {
    for (const store of stores) await store.close();
    await client.close();
    await ferret.stop();
  }
}

await main();
