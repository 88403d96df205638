/**
 * Capacity: the most requests per second one core gives, over an upstream that answers at once, at 64 concurrent
 * keep-alive connections (wrk). The proxy under test (a bare http-proxy hop, then mlgate) is pinned to CPU 0; wrk and
 * the instant upstream share CPU 1. Prints requests/s, latency, the CPU each side used (a side near 100 % is where
 * it saturates) and mlgate's figures as a ratio to the bare hop.
 *   node dist/bench/capacity.js        (BENCH_SECONDS, BENCH_CONNECTIONS tune it; make bench runs it)
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import {
  ROOT,
  type Service,
  freePort,
  newSecretKey,
  runCli,
  startFerretDB,
  startMlgate,
  waitFor,
} from '../scripts/services.js';
import { instantUpstream } from './load.js';
import { cpuSeconds } from './compare/proc.js';
import { fixed, table } from './stats.js';
import { type WrkRequest, type WrkResult, wrk } from './wrk.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 64);
const PROXY_CPU = 0;
const CLIENT_CPU = 1;

const pin = (pid: number, cpu: number): void => {
  execFileSync('taskset', ['-cp', String(cpu), String(pid)], { stdio: 'ignore' });
};

async function startBareHop(upstreamUrl: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(ROOT, 'dist', 'bench', 'compare', 'bare-hop-server.js'), String(port), upstreamUrl],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor('bare hop', async () => (await fetch(url).catch(() => undefined)) !== undefined, 10_000, child);
  return { url, child };
}

interface Measured {
  readonly result: WrkResult;
  /** CPU used by the proxy process and by this process (the upstream) per second of the run, 1 = one core. */
  readonly proxyCores: number;
  readonly upstreamCores: number;
}

async function measure(pid: number, request: WrkRequest, dir: string): Promise<Measured> {
  await wrk(request, { connections: CONNECTIONS, seconds: 2, cpu: CLIENT_CPU, dir }); // warm-up
  const ownCpu = (): number => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  };
  const proxyBefore = cpuSeconds([pid]);
  const upstreamBefore = ownCpu();
  const started = process.hrtime.bigint();
  const result = await wrk(request, { connections: CONNECTIONS, seconds: SECONDS, cpu: CLIENT_CPU, dir });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.non2xx > 0) {
    throw new Error(`${result.non2xx} requests to ${request.url} were not answered with 2xx`);
  }
  return {
    result,
    proxyCores: (cpuSeconds([pid]) - proxyBefore) / seconds,
    upstreamCores: (ownCpu() - upstreamBefore) / seconds,
  };
}

async function main(): Promise<void> {
  const dir = join(ROOT, '.run', 'bench-capacity');
  rmSync(dir, { recursive: true, force: true });
  pin(process.pid, CLIENT_CPU); // the instant upstream answers from this process
  const upstream = await instantUpstream();
  const services: Service[] = [];
  let bare: ChildProcess | undefined;
  try {
    const ferret = await startFerretDB(dir);
    services.push(ferret);
    const env = {
      MONGODB_URI: ferret.uri,
      MLGATE_UPSTREAM_URL: upstream.url,
      // Kept-alive connections, like the bare hop's: the instant upstream has no keep-alive stall.
      MLGATE_UPSTREAM_KEEP_ALIVE: 'true',
      SECRET_KEY: newSecretKey(),
      // The default logging level (info): one access-log line per request, as deployed (to its log file).
    };
    const gateway = await startMlgate(dir, env);
    services.push(gateway);
    pin(gateway.process.pid!, PROXY_CPU);
    const cli = async (args: string[]): Promise<string> => (await runCli(args, env)).stdout.trim();
    await cli(['user', 'create', 'bench']);
    const token = await cli(['token', 'create', 'bench']);
    await cli(['grant', '--experiment', '1', '--user', 'bench', '--permission', 'EDIT']);
    const authorization = 'Basic ' + Buffer.from(`bench:${token}`).toString('base64');
    const hop = await startBareHop(upstream.url);
    bare = hop.child;
    pin(hop.child.pid!, PROXY_CPU);

    const workloads: [string, Omit<WrkRequest, 'url'>, string][] = [
      ['GetExperiment', { method: 'GET', headers: {} }, '/api/2.0/mlflow/experiments/get?experiment_id=1'],
      [
        'LogMetric',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ run_id: 'r', key: 'loss', value: 0.5, timestamp: 1, step: 0 }),
        },
        '/api/2.0/mlflow/runs/log-metric',
      ],
    ];
    const rows: string[][] = [];
    for (const [name, request, path] of workloads) {
      const viaHop = await measure(hop.child.pid!, { ...request, url: hop.url + path }, dir);
      const viaGateway = await measure(
        gateway.process.pid!,
        { ...request, url: gateway.url + path, headers: { ...request.headers, authorization } },
        dir,
      );
      for (const [who, m] of [
        ['bare hop', viaHop],
        ['mlgate', viaGateway],
      ] as const) {
        rows.push([
          name,
          who,
          fixed(m.result.rps, 0),
          fixed(m.result.rps / viaHop.result.rps),
          fixed(m.result.p50Ms),
          fixed(m.result.p99Ms),
          fixed(m.proxyCores * 100, 0),
          fixed(m.upstreamCores * 100, 0),
          fixed((m.proxyCores / m.result.rps) * 1000, 3),
        ]);
      }
    }
    console.log(
      `Capacity on one core: ${CONNECTIONS} keep-alive connections (wrk, CPU ${CLIENT_CPU}) through the proxy ` +
        `(CPU ${PROXY_CPU}) to an instant upstream (CPU ${CLIENT_CPU}); ${SECONDS}s each after a 2s warm-up.\n` +
        `mlgate: Basic + access token, policy decision, access log at info (the default) to its log file, upstream.keep_alive on.\n`,
    );
    console.log(
      table(
        [
          'workload',
          'proxy',
          'rps',
          'vs bare hop',
          'p50 ms',
          'p99 ms',
          'proxy CPU %',
          'upstream CPU %',
          'proxy CPU ms/req',
        ],
        rows,
      ),
    );
  } finally {
    bare?.kill();
    for (const service of services.reverse()) await service.stop();
    upstream.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
