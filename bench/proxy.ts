/**
 * Gateway overhead, measured in one run against the same MLflow server: the
 * same authenticated GetExperiment and LogMetric requests sent directly to
 * MLflow (the baseline) and through mlgate, at a few concurrency levels.
 * Prints requests/s, p50 and p99 latency for both, and mlgate/direct ratios.
 * Run with `make bench` (BENCH_SECONDS and BENCH_CONCURRENCY tune it).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT, type Service, newSecretKey, startFerretDB, startMlflow, startMlgate } from '../scripts/services.js';
import { cliOutput, editableRun } from './compare/api.js';
import { type Workload, concurrent } from './load.js';
import { fixed, table } from './stats.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const CONCURRENCY = (process.env['BENCH_CONCURRENCY'] ?? '1,8').split(',').map(Number);
// MLflow 3.17 with several uvicorn workers stalls ~40 ms on every keep-alive response (see docs/operations.md);
// one worker measures the gateway's overhead without that floor.
const MLFLOW_WORKERS = Number(process.env['BENCH_MLFLOW_WORKERS'] ?? 1);

async function main(): Promise<void> {
  const dir = join(ROOT, '.run', 'bench');
  rmSync(dir, { recursive: true, force: true });
  const services: Service[] = [];
  try {
    const ferret = await startFerretDB(dir);
    services.push(ferret);
    const mlflow = await startMlflow(dir, { workers: MLFLOW_WORKERS });
    services.push(mlflow);
    const env = {
      MONGODB_URI: ferret.uri,
      MLGATE_UPSTREAM_URL: mlflow.url,
      MLGATE_LOGGING_LEVEL: 'warn',
      SECRET_KEY: newSecretKey(),
    };
    const gateway = await startMlgate(dir, env);
    services.push(gateway);

    await cliOutput(['user', 'create', 'bench'], env);
    const token = await cliOutput(['token', 'create', 'bench'], env);
    const authorization = 'Basic ' + Buffer.from(`bench:${token}`).toString('base64');
    const { experimentId, runId } = await editableRun(mlflow.url, 'bench', env);
    let step = 0;
    const workloads: Workload[] = [
      { name: 'GetExperiment', method: 'GET', path: `/api/2.0/mlflow/experiments/get?experiment_id=${experimentId}` },
      {
        name: 'LogMetric',
        method: 'POST',
        path: '/api/2.0/mlflow/runs/log-metric',
        body: () =>
          JSON.stringify({
            run_id: runId,
            key: 'loss',
            value: Math.random(),
            timestamp: Date.now(),
            step: step++,
          }),
      },
    ];

    const rows: string[][] = [];
    for (const workload of workloads) {
      for (const concurrency of CONCURRENCY) {
        await concurrent(mlflow.url, workload, concurrency, 2);
        await concurrent(gateway.url, workload, concurrency, 2, authorization);
        const direct = await concurrent(mlflow.url, workload, concurrency, SECONDS);
        const viaGateway = await concurrent(gateway.url, workload, concurrency, SECONDS, authorization);
        rows.push([
          workload.name,
          String(concurrency),
          fixed(direct.rps, 0),
          fixed(viaGateway.rps, 0),
          fixed(viaGateway.rps / direct.rps),
          fixed(direct.p50),
          fixed(viaGateway.p50),
          fixed(direct.p99),
          fixed(viaGateway.p99),
          fixed(viaGateway.p50 - direct.p50),
        ]);
      }
    }
    console.log(
      `mlgate vs direct MLflow (same MLflow ${mlflow.url}, ${MLFLOW_WORKERS} uvicorn worker(s); ${SECONDS}s per measurement after a 2s warm-up;\n` +
        `mlgate authenticates with Basic + access token and decides in Rego/wasm; cache.ttl_ms=5000)\n`,
    );
    console.log(
      table(
        [
          'workload',
          'conc',
          'direct rps',
          'mlgate rps',
          'rps ratio',
          'direct p50 ms',
          'mlgate p50 ms',
          'direct p99 ms',
          'mlgate p99 ms',
          'added p50 ms',
        ],
        rows,
      ),
    );
  } finally {
    for (const service of services.reverse()) {
      await service.stop();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
