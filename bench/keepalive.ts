/**
 * MLflow's keep-alive stall, and what the gateway does about it, in one run. `mlflow server --workers 4` (the
 * default) leaves Nagle's algorithm on, so every answer on a kept-alive connection after the first waits ~40 ms for
 * the client's delayed ACK (docs/operations.md); `--workers 1` does not. For each MLflow, the same kept-alive
 * client (one connection, requests back to back) sends authenticated GetExperiment and LogMetric requests directly,
 * through mlgate as configured by default (upstream.keep_alive off: one connection to MLflow per request), and
 * through mlgate with upstream.keep_alive on. Rounds are interleaved; latencies are pooled over the rounds.
 * Besides latency and throughput it prints MLflow's CPU time per request (from /proc, all of its processes) and the
 * gateway's, which do not depend on what else the machine is doing. Run with `make bench`
 * (BENCH_KEEPALIVE_SECONDS per round, BENCH_KEEPALIVE_ROUNDS rounds).
 */
import http from 'node:http';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';

import { ROOT, type Service, newSecretKey, startFerretDB, startMlflow, startMlgate } from '../scripts/services.js';
import { cliOutput, editableRun } from './compare/api.js';
import { REQUESTS, instantUpstream, sequential } from './load.js';
import { fixed, summarize, table } from './stats.js';

const SECONDS = Number(process.env['BENCH_KEEPALIVE_SECONDS'] ?? 4);
const ROUNDS = Number(process.env['BENCH_KEEPALIVE_ROUNDS'] ?? 3);
const WORKERS = [4, 1];

interface Workload {
  readonly name: string;
  readonly path: string;
  readonly body?: () => string;
}

interface Target {
  readonly name: string;
  readonly url: string;
  readonly authorization?: string;
  /** The gateway's process group, whose CPU time is counted; none for direct. */
  readonly pgid?: number;
}

/** CPU time (ms) used so far by every process of a process group (a service and what it spawned). */
function groupCpuMs(pgid: number): number {
  const tick = 10; // USER_HZ is 100 on Linux
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid) {
      total += (Number(fields[11]) + Number(fields[12])) * tick;
    }
  }
  return total;
}

/**
 * Requests back to back on one kept-alive connection for `seconds`; returns latencies (ms), and fails if the
 * client needed more than one connection (the comparison is about a kept-alive client).
 */
async function keptAlive(target: Target, workload: Workload, seconds: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<Socket>();
  const url = new URL(target.url);
  const once = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const payload = workload.body?.();
      const started = process.hrtime.bigint();
      const request = http.request(
        {
          hostname: url.hostname,
          port: url.port,
          path: workload.path,
          method: payload === undefined ? 'GET' : 'POST',
          agent,
          headers: {
            ...(target.authorization === undefined ? {} : { authorization: target.authorization }),
            ...(payload === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (response) => {
          response.resume();
          response.on('end', () =>
            response.statusCode === 200
              ? resolve(Number(process.hrtime.bigint() - started) / 1e6)
              : reject(new Error(`${workload.name} via ${target.name}: status ${response.statusCode}`)),
          );
        },
      );
      request.on('socket', (socket) => sockets.add(socket));
      request.on('error', reject);
      request.end(payload);
    });
  const latencies: number[] = [];
  const deadline = Date.now() + seconds * 1000;
  try {
    while (Date.now() < deadline) latencies.push(await once());
  } finally {
    agent.destroy();
  }
  if (sockets.size !== 1) {
    throw new Error(`${target.name}: the kept-alive client used ${sockets.size} connections`);
  }
  return latencies;
}

/** mlgate with upstream.keep_alive off and on, over an upstream that answers at once: latency and CPU per request. */
async function connectionCost(
  upstreamUrl: string,
  baseEnv: Record<string, string>,
  authorization: string,
  dir: string,
  services: Service[],
): Promise<string[][]> {
  const env = { ...baseEnv, MLGATE_UPSTREAM_URL: upstreamUrl };
  await cliOutput(['grant', '--experiment', '1', '--user', 'bench', '--permission', 'EDIT'], env);
  const gateways: [string, Service][] = [];
  for (const keepAlive of ['false', 'true']) {
    const gateway = await startMlgate(join(dir, `mlgate-instant-${keepAlive}`), {
      ...env,
      MLGATE_UPSTREAM_KEEP_ALIVE: keepAlive,
    });
    services.push(gateway);
    gateways.push([`keep_alive ${keepAlive === 'true' ? 'on' : 'off (default)'}`, gateway]);
  }
  const latencies = new Map<string, number[]>();
  const cpu = new Map<string, number>();
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [name, gateway] of round % 2 === 0 ? gateways : [...gateways].reverse()) {
      const pgid = gateway.process.pid ?? NaN;
      const before = groupCpuMs(pgid);
      const measured = await sequential(gateway.url, '/api/2.0/mlflow/experiments/get?experiment_id=1', {
        authorization,
      });
      // sequential() sends 500 warm-up requests before the measured ones.
      cpu.set(name, (cpu.get(name) ?? 0) + (groupCpuMs(pgid) - before) / (measured.length + 500) / ROUNDS);
      latencies.set(name, [...(latencies.get(name) ?? []), ...measured]);
    }
  }
  return gateways.map(([name]) => {
    const s = summarize(latencies.get(name) ?? [], NaN);
    return [name, fixed(s.p50, 3), fixed(s.p99, 3), fixed(cpu.get(name) ?? NaN, 3)];
  });
}

async function main(): Promise<void> {
  const dir = join(ROOT, '.run', 'bench-keepalive');
  rmSync(dir, { recursive: true, force: true });
  const services: Service[] = [];
  const instant = await instantUpstream();
  try {
    const ferret = await startFerretDB(dir);
    services.push(ferret);
    const baseEnv = { MONGODB_URI: ferret.uri, MLGATE_LOGGING_LEVEL: 'warn', SECRET_KEY: newSecretKey() };
    await cliOutput(['user', 'create', 'bench'], baseEnv);
    const token = await cliOutput(['token', 'create', 'bench'], baseEnv);
    const authorization = 'Basic ' + Buffer.from(`bench:${token}`).toString('base64');

    const rows: string[][] = [];
    for (const workers of WORKERS) {
      const mlflow = await startMlflow(join(dir, `mlflow-${workers}`), { workers });
      services.push(mlflow);
      const env = { ...baseEnv, MLGATE_UPSTREAM_URL: mlflow.url };
      const gateway = await startMlgate(join(dir, `mlgate-${workers}`), env);
      services.push(gateway);
      const keptGateway = await startMlgate(join(dir, `mlgate-${workers}-kept`), {
        ...env,
        MLGATE_UPSTREAM_KEEP_ALIVE: 'true',
      });
      services.push(keptGateway);

      const { experimentId, runId } = await editableRun(mlflow.url, 'bench', env);
      let step = 0;
      const workloads: Workload[] = [
        { name: 'GetExperiment', path: `/api/2.0/mlflow/experiments/get?experiment_id=${experimentId}` },
        {
          name: 'LogMetric',
          path: '/api/2.0/mlflow/runs/log-metric',
          body: () => JSON.stringify({ run_id: runId, key: 'loss', value: 1, timestamp: Date.now(), step: step++ }),
        },
      ];
      const targets: Target[] = [
        { name: 'direct', url: mlflow.url },
        { name: 'mlgate', url: gateway.url, authorization, pgid: gateway.process.pid ?? NaN },
        { name: 'mlgate keep_alive', url: keptGateway.url, authorization, pgid: keptGateway.process.pid ?? NaN },
      ];
      const pgid = mlflow.process.pid ?? NaN;
      for (const workload of workloads) {
        for (const target of targets) await keptAlive(target, workload, 1); // warm-up
        const latencies = new Map<string, number[]>(targets.map((t) => [t.name, []]));
        const seconds = new Map<string, number>(targets.map((t) => [t.name, 0]));
        const cpu = new Map<string, number>(targets.map((t) => [t.name, 0]));
        const gatewayCpu = new Map<string, number>(targets.map((t) => [t.name, 0]));
        for (let round = 0; round < ROUNDS; round += 1) {
          for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
            const cpuBefore = groupCpuMs(pgid);
            const gatewayBefore = target.pgid === undefined ? NaN : groupCpuMs(target.pgid);
            const began = Date.now();
            const measured = await keptAlive(target, workload, SECONDS);
            seconds.set(target.name, (seconds.get(target.name) ?? 0) + (Date.now() - began) / 1000);
            cpu.set(target.name, (cpu.get(target.name) ?? 0) + groupCpuMs(pgid) - cpuBefore);
            const gatewayAfter = target.pgid === undefined ? NaN : groupCpuMs(target.pgid);
            gatewayCpu.set(target.name, (gatewayCpu.get(target.name) ?? 0) + gatewayAfter - gatewayBefore);
            latencies.get(target.name)?.push(...measured);
          }
        }
        const summary = new Map(
          targets.map((t) => [t.name, summarize(latencies.get(t.name) ?? [], seconds.get(t.name) ?? NaN)]),
        );
        const direct = summary.get('direct');
        for (const target of targets) {
          const s = summary.get(target.name);
          if (s === undefined || direct === undefined) continue;
          rows.push([
            String(workers),
            workload.name,
            target.name,
            fixed(s.p50),
            fixed(s.p99),
            fixed(s.rps, 1),
            fixed(direct.p50 / s.p50),
            fixed(s.rps / direct.rps),
            fixed((cpu.get(target.name) ?? NaN) / s.count),
            fixed((gatewayCpu.get(target.name) ?? NaN) / s.count),
          ]);
        }
      }
    }
    console.log(
      `MLflow's keep-alive stall: one kept-alive client connection, requests back to back (${ROUNDS} interleaved rounds of ` +
        `${SECONDS}s per target after a 1s warm-up).\n` +
        'mlgate: default configuration (upstream.keep_alive off: one connection to MLflow per request); ' +
        'mlgate keep_alive: upstream.keep_alive on.\n' +
        "speed-up = direct p50 / p50 (above 1: faster than direct); CPU time from /proc (all of MLflow's processes; " +
        'the gateway process).\n',
    );
    console.log(
      table(
        [
          'MLflow workers',
          'workload',
          'client →',
          'p50 ms',
          'p99 ms',
          'rps',
          'speed-up (p50)',
          'rps ÷ direct',
          'MLflow CPU ms/req',
          'mlgate CPU ms/req',
        ],
        rows,
      ),
    );
    console.log(
      `\nWhat a connection per request costs the gateway: ${REQUESTS} GetExperiment requests back to back on one ` +
        `kept-alive client connection,\nthrough mlgate to an upstream that answers at once (${ROUNDS} interleaved rounds; ` +
        'mlgate CPU time from /proc).\n',
    );
    console.log(
      table(
        ['mlgate', 'p50 ms', 'p99 ms', 'mlgate CPU ms/req'],
        await connectionCost(instant.url, baseEnv, authorization, dir, services),
      ),
    );
  } finally {
    for (const service of services.reverse()) await service.stop();
    instant.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
