/**
 * The gateway's own cost, without MLflow's latency in the way: the same requests sent to an upstream that
 * answers instantly, directly and through mlgate (authentication, route matching, parameter parsing, run
 * resolution from the cache, grants from the cache, the policy decision, proxying). Run with `make bench`.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT, type Service, newSecretKey, runCli, startFerretDB, startMlgate } from '../scripts/services.js';
import { REQUESTS, instantUpstream, sequential } from './load.js';
import { fixed, summarize, table } from './stats.js';

async function main(): Promise<void> {
  const dir = join(ROOT, '.run', 'bench-overhead');
  rmSync(dir, { recursive: true, force: true });
  const upstream = await instantUpstream();
  const services: Service[] = [];
  try {
    const ferret = await startFerretDB(dir);
    services.push(ferret);
    const env = {
      MONGODB_URI: ferret.uri,
      MLGATE_UPSTREAM_URL: upstream.url,
      // Kept-alive connections, like the bare hop's: the instant upstream has no keep-alive stall.
      MLGATE_UPSTREAM_KEEP_ALIVE: 'true',
      MLGATE_LOGGING_LEVEL: 'warn',
      SECRET_KEY: newSecretKey(),
    };
    const gateway = await startMlgate(dir, env);
    services.push(gateway);
    const cli = async (args: string[]): Promise<string> => (await runCli(args, env)).stdout.trim();
    await cli(['user', 'create', 'bench']);
    const token = await cli(['token', 'create', 'bench']);
    await cli(['grant', '--experiment', '1', '--user', 'bench', '--permission', 'EDIT']);
    const auth = { authorization: 'Basic ' + Buffer.from(`bench:${token}`).toString('base64') };
    const cases: [string, string, string | undefined][] = [
      ['GetExperiment', '/api/2.0/mlflow/experiments/get?experiment_id=1', undefined],
      [
        'LogMetric',
        '/api/2.0/mlflow/runs/log-metric',
        JSON.stringify({ run_id: 'r', key: 'k', value: 1, timestamp: 1, step: 0 }),
      ],
    ];
    const rows: string[][] = [];
    for (const [name, path, body] of cases) {
      const direct = await sequential(upstream.url, path, {}, body);
      const through = await sequential(gateway.url, path, auth, body);
      const seconds = (l: number[]): number => l.reduce((a, b) => a + b, 0) / 1000;
      const d = summarize(direct, seconds(direct));
      const g = summarize(through, seconds(through));
      rows.push([
        name,
        fixed(d.p50, 3),
        fixed(g.p50, 3),
        fixed(g.p50 - d.p50, 3),
        fixed(d.p99, 3),
        fixed(g.p99, 3),
        fixed(g.rps, 0),
      ]);
    }
    console.log(
      `Gateway overhead against an instant upstream (${REQUESTS} sequential requests on one keep-alive connection)\n`,
    );
    console.log(
      table(
        [
          'workload',
          'direct p50 ms',
          'mlgate p50 ms',
          'added p50 ms',
          'direct p99 ms',
          'mlgate p99 ms',
          'mlgate rps (1 conn)',
        ],
        rows,
      ),
    );
  } finally {
    for (const service of services.reverse()) await service.stop();
    upstream.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
