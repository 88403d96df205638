/**
 * `make bench-compare`: mlgate side by side with a plain MLflow (the baseline), MLflow's basic-auth app (default,
 * and with its credential cache), mlflow-oidc-auth (when bench/compare/oidc-auth.ts is present), and, for its own
 * latency, a bare http-proxy hop over an instant upstream. One run: every system started on loopback with its
 * own MLflow and store, given the same data through its own API, driven with the same workloads as an ordinary
 * user in interleaved rounds; prints the medians and, with BENCH_WRITE_DOCS=1, writes docs/benchmarks.md.
 *
 * BENCH_ROUNDS (3), BENCH_SECONDS (4 per measurement), BENCH_CONCURRENCY (1,8), BENCH_ARTIFACT_MIB (1024; 0: none),
 * BENCH_EXPERIMENTS (1000), BENCH_KEEP=1 keeps .run/bench-compare (logs, stores) after a successful run.
 * A short check: BENCH_SECONDS=1 BENCH_ROUNDS=1 BENCH_ARTIFACT_MIB=16.
 */
import { rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

import { ROOT } from '../../scripts/services.js';
import { writeBenchmarksDoc } from './docs.js';
import { startBareHop, startInstantUpstream } from './hop.js';
import { describeMachine } from './machine.js';
import { startMlgateTarget } from './mlgate.js';
import { asText } from './render.js';
import { detailTable, ownLatencyTable, searchTable, throughputTable, transferTable } from './report.js';
import type { LoadSample } from './measure.js';
import { type Driven, type LoadGroup, type Samples, type Settings, caseKey, runRounds, warmUp } from './rounds.js';
import { checkSearch } from './search-check.js';
import { EXPERIMENTS, VISIBLE, type Fixture } from './setup.js';
import type { Target } from './target.js';
import { startTargets } from './targets.js';
import { BATCH, apiWorkloads } from './workloads.js';

const settings: Settings = {
  rounds: Number(process.env['BENCH_ROUNDS'] ?? 3),
  seconds: Number(process.env['BENCH_SECONDS'] ?? 4),
  concurrency: (process.env['BENCH_CONCURRENCY'] ?? '1,8').split(',').map(Number),
  artifactMiB: Number(process.env['BENCH_ARTIFACT_MIB'] ?? 1024),
};
const HOP_CONCURRENCY = [1];
const BASELINE = 'direct';
const progress = (line: string): void => console.error(`  ${line}`);

/** The instant upstream's world: every run is in experiment 1. */
const INSTANT_FIXTURE: Fixture = { experimentIds: ['1'], visibleIds: ['1'], editExperimentId: '1', runId: 'r' };

async function main(): Promise<void> {
  const began = Date.now();
  const loadAtStart = os.loadavg()[0] ?? NaN;
  const dir = join(ROOT, '.run', 'bench-compare');
  rmSync(dir, { recursive: true, force: true });
  const started: Target[] = [];
  let failed = true;
  try {
    console.error('starting the systems and setting up their data');
    const { prepared, missing } = await startTargets(dir, progress);
    started.push(...prepared.map((p) => p.target));
    if (prepared[0]?.target.name !== BASELINE) throw new Error(`the baseline (${BASELINE}) did not start`);

    const checks = [];
    for (const { target, fixture } of prepared) checks.push(await checkSearch(target, fixture));
    for (const c of checks.filter((c) => !c.ok)) {
      console.error(
        `  NOTE: ${c.target}'s SearchExperiments returned ${c.returned} experiments, expected ${c.expected}`,
      );
    }

    const upstream = await startInstantUpstream(join(dir, 'own-latency'));
    started.push(upstream);
    const hop = await startBareHop(join(dir, 'own-latency'), upstream.url);
    started.push(hop);
    const gateway = await startMlgateTarget(join(dir, 'own-latency', 'mlgate'), { upstreamUrl: upstream.url });
    started.push(gateway);
    await gateway.grant('1', 'EDIT');

    const apiGroup: LoadGroup = {
      concurrency: settings.concurrency,
      driven: prepared.map(({ target, fixture }): Driven => ({
        target,
        workloads: apiWorkloads(fixture),
        artifactBase: `/api/2.0/mlflow-artifacts/artifacts/${fixture.editExperimentId}/${fixture.runId}/artifacts`,
      })),
    };
    const ownGroup: LoadGroup = {
      concurrency: HOP_CONCURRENCY,
      driven: [upstream, hop, gateway].map((target) => ({
        target,
        workloads: apiWorkloads(INSTANT_FIXTURE).slice(0, 2),
      })),
    };
    console.error('warming up');
    await warmUp([apiGroup, ownGroup], settings);
    console.error(`measuring: ${settings.rounds} round(s), ${settings.seconds} s per measurement`);
    const { loads, transfers } = await runRounds([apiGroup, ownGroup], settings, progress);
    const [apiLoads, ownLoads] = loads as [Samples<LoadSample>, Samples<LoadSample>];

    const names = prepared.map((p) => p.target.name);
    const keysOf = (group: LoadGroup): string[] =>
      (group.driven[0]?.workloads ?? []).flatMap((w) => group.concurrency.map((c) => caseKey(w.name, c)));
    const tables = [
      throughputTable(apiLoads, names, keysOf(apiGroup), BASELINE),
      detailTable(apiLoads, names, keysOf(apiGroup), BASELINE),
      searchTable(checks),
      ...(settings.artifactMiB > 0 ? [transferTable(transfers, names, BASELINE, settings.artifactMiB)] : []),
      ownLatencyTable(ownLoads, [upstream.name, hop.name, gateway.name], keysOf(ownGroup), upstream.name, hop.name),
    ];
    for (const t of tables) console.log(`\n${asText(t)}`);
    for (const name of missing) console.log(`${name}: not measured (not available on this machine)`);

    if (process.env['BENCH_WRITE_DOCS'] === '1') {
      const path = join(ROOT, 'docs', 'benchmarks.md');
      writeBenchmarksDoc(
        path,
        {
          date: new Date(),
          machine: describeMachine(),
          minutes: (Date.now() - began) / 60_000,
          loadAverage: [loadAtStart, os.loadavg()[0] ?? NaN],
          missing,
          systems: [...prepared.map((p) => p.target), upstream, hop, gateway].map((t) => [
            t === gateway ? `${t.name} (own-latency table)` : t.name,
            t.description ?? '',
          ]),
          settings: [
            `${settings.rounds} round(s), ${settings.seconds} s per measurement, after a warm-up of every workload`,
            `API workloads as the ordinary user on kept-alive connections, concurrency ${settings.concurrency.join(' and ')}; ` +
              `own latency at concurrency ${HOP_CONCURRENCY.join(', ')}`,
            `${EXPERIMENTS.toLocaleString('en-US')} experiments made by the administrator through each system's API, of which the user reads ${VISIBLE} ` +
              '(EDIT on one, with the run that is logged to); the basic-auth variants run on copies of one store set up so',
            `LogBatch: ${BATCH.metrics} metrics, ${BATCH.params} params, ${BATCH.tags} tags per request; SearchExperiments: max_results 100`,
            settings.artifactMiB > 0
              ? `artifact: one file of ${settings.artifactMiB} MiB uploaded then downloaded per round, streamed`
              : 'artifact transfers left out (BENCH_ARTIFACT_MIB=0)',
          ],
        },
        tables,
      );
      console.log(`\nwrote ${path}`);
    }
    failed = false;
  } finally {
    for (const target of started.reverse()) await target.stop();
    if (failed || process.env['BENCH_KEEP'] === '1') {
      console.error(`logs and stores kept in ${dir}`);
    } else {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
