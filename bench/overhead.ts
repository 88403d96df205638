/**
 * The gateway's own cost, without MLflow's latency in the way: the same requests sent to an upstream that
 * answers instantly, directly and through mlgate (authentication, route matching, parameter parsing, run
 * resolution from the cache, grants from the cache, the policy decision, proxying). Run with `make bench`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT, type Service, newSecretKey, runCli, startFerretDB, startMlgate } from '../scripts/services.js';
import { fixed, summarize, table } from './stats.js';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 5000);

/** Answers every request at once with a small JSON body; run look-ups resolve to experiment 1. */
async function instantUpstream(): Promise<{ url: string; close: () => void }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(
        req.url?.startsWith('/api/2.0/mlflow/runs/get')
          ? '{"run":{"info":{"run_id":"r","experiment_id":"1"}}}'
          : '{"experiment":{"experiment_id":"1","name":"bench"}}',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

/** Sends `count` sequential requests on one keep-alive connection; returns latencies in ms. */
async function sequential(
  base: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(base);
  const once = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const request = http.request(
        {
          hostname: url.hostname,
          port: url.port,
          path,
          method: body === undefined ? 'GET' : 'POST',
          agent,
          headers:
            body === undefined
              ? headers
              : { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          response.resume();
          response.on('end', () =>
            response.statusCode === 200
              ? resolve(Number(process.hrtime.bigint() - started) / 1e6)
              : reject(new Error(`${path}: status ${response.statusCode}`)),
          );
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  for (let i = 0; i < 500; i++) await once();
  const latencies: number[] = [];
  for (let i = 0; i < REQUESTS; i++) latencies.push(await once());
  agent.destroy();
  return latencies;
}

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
