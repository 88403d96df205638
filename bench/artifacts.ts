/**
 * Artifact transfer through mlgate against the same MLflow server, in one run: a large artifact (1 GiB by
 * default, BENCH_ARTIFACT_MIB) uploaded and downloaded directly to MLflow (the baseline) and through mlgate as a
 * user with EDIT, and through a bare http-proxy hop (Node's floor for any proxy on the machine). Prints the throughput
 * of each, mlgate/direct ratios (target >= 0.9), CPU seconds per GiB of each process, and the growth of mlgate's
 * resident memory while it streams (target < 64 MiB), sampled from /proc/<pid>/status (VmRSS every 20 ms, VmHWM).
 * Everything is written under a temporary directory, removed at the end.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type Service, newSecretKey, startFerretDB, startMlflow, startMlgate } from '../scripts/services.js';
import { cliOutput, editableRun } from './compare/api.js';
import { startBareHop } from './compare/hop.js';
import { cpuSeconds } from './compare/proc.js';
import { tempDir } from '../test/helpers/tmp.js';
import { fixed, table } from './stats.js';
import { MIB, transfer } from './transfer.js';

const SIZE_MIB = Number(process.env['BENCH_ARTIFACT_MIB'] ?? 1024);
/** Rounds of each transfer, direct and through mlgate interleaved; the median round is reported. */
const ROUNDS = Number(process.env['BENCH_ARTIFACT_ROUNDS'] ?? 3);

/** One transfer with the CPU seconds spent meanwhile by this process (the client) and by the servers measured. */
interface Measured {
  readonly seconds: number;
  readonly client: number;
  /** CPU of every process in `servers`, summed. */
  readonly server: number;
  /** CPU of the gateway alone (the last of `servers`), or 0. */
  readonly gateway: number;
}

async function measured(servers: readonly number[], work: () => Promise<{ seconds: number }>): Promise<Measured> {
  const gatewayPid = servers.length > 1 ? servers[servers.length - 1] : undefined;
  const gatewayCpu = (): number => (gatewayPid === undefined ? 0 : cpuSeconds([gatewayPid]));
  const client = process.cpuUsage();
  const server = cpuSeconds(servers);
  const gateway = gatewayCpu();
  const { seconds } = await work();
  const used = process.cpuUsage(client);
  return {
    seconds,
    client: (used.user + used.system) / 1e6,
    server: cpuSeconds(servers) - server,
    gateway: gatewayCpu() - gateway,
  };
}

/** The round with the median wall time. */
function median(rounds: readonly Measured[]): Measured {
  const sorted = [...rounds].sort((a, b) => a.seconds - b.seconds);
  return sorted[Math.floor(sorted.length / 2)] as Measured;
}

/** VmRSS and VmHWM of a process, in bytes. */
function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

/** Samples the RSS of `pid` while `work` runs; returns its result and the highest RSS seen. */
async function sampled<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peakRss: number }> {
  let peakRss = memory(pid).rss;
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, memory(pid).rss);
  }, 20);
  try {
    const result = await work();
    return { result, peakRss: Math.max(peakRss, memory(pid).rss) };
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<void> {
  const tmp = tempDir('bench-artifacts');
  const services: Pick<Service, 'stop'>[] = [];
  try {
    const ferret = await startFerretDB(join(tmp.path, 'ferretdb'));
    services.push(ferret);
    const mlflow = await startMlflow(join(tmp.path, 'mlflow'));
    services.push(mlflow);
    const env = {
      MONGODB_URI: ferret.uri,
      MLGATE_UPSTREAM_URL: mlflow.url,
      MLGATE_LOGGING_LEVEL: 'warn',
      SECRET_KEY: newSecretKey(),
    };
    const gateway = await startMlgate(join(tmp.path, 'gateway'), env);
    services.push(gateway);
    const pid = gateway.process.pid as number;
    // The floor of any Node.js proxy on this machine: Node's http server and http-proxy, nothing else.
    const hop = await startBareHop(join(tmp.path, 'hop'), mlflow.url);
    const hopPid = hop.pids()[0] as number;
    services.push(hop);

    await cliOutput(['user', 'create', 'bench'], env);
    const token = await cliOutput(['token', 'create', 'bench'], env);
    const authorization = 'Basic ' + Buffer.from(`bench:${token}`).toString('base64');
    const { experimentId, runId } = await editableRun(mlflow.url, 'bench', env);
    const artifacts = `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts`;
    const size = SIZE_MIB * MIB;

    // Warm-up: connections, caches and the gateway's look-ups.
    for (const [url, auth] of [
      [mlflow.url, undefined],
      [gateway.url, authorization],
      [hop.url, undefined],
    ] as const) {
      await transfer(url, 'PUT', `${artifacts}/warm.bin`, auth, 4 * MIB);
      await transfer(url, 'GET', `${artifacts}/warm.bin`, auth, 0);
    }
    const baseline = memory(pid);

    const rows: string[][] = [];
    const cpuRows: string[][] = [];
    let peakRss = baseline.rss;
    const mlflowPid = mlflow.process.pid as number;
    for (const method of ['PUT', 'GET'] as const) {
      // The same file for both: the direct upload writes it, the gateway's upload overwrites it.
      const path = `${artifacts}/big.bin`;
      const directRounds: Measured[] = [];
      const viaRounds: Measured[] = [];
      const hopRounds: Measured[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        directRounds.push(await measured([mlflowPid], () => transfer(mlflow.url, method, path, undefined, size)));
        hopRounds.push(await measured([mlflowPid, hopPid], () => transfer(hop.url, method, path, undefined, size)));
        const via = await sampled(pid, () =>
          measured([mlflowPid, pid], () => transfer(gateway.url, method, path, authorization, size)),
        );
        peakRss = Math.max(peakRss, via.peakRss);
        viaRounds.push(via.result);
      }
      const direct = median(directRounds);
      const via = median(viaRounds);
      const bare = median(hopRounds);
      const directMiBs = size / MIB / direct.seconds;
      const viaMiBs = size / MIB / via.seconds;
      const hopMiBs = size / MIB / bare.seconds;
      rows.push([
        method === 'PUT' ? 'upload' : 'download',
        `${fixed(size / MIB, 0)} MiB x ${ROUNDS}`,
        fixed(directMiBs, 0),
        fixed(viaMiBs, 0),
        fixed(viaMiBs / directMiBs),
        fixed(hopMiBs, 0),
        fixed(hopMiBs / directMiBs),
        `${fixed((peakRss - baseline.rss) / MIB, 1)} MiB`,
      ]);
      const perGiB = (seconds: number): string => fixed((seconds * 1024 * MIB) / size, 2);
      cpuRows.push([
        method === 'PUT' ? 'upload' : 'download',
        perGiB(direct.client),
        perGiB(direct.server),
        perGiB(via.client),
        perGiB(via.server - via.gateway),
        perGiB(via.gateway),
        perGiB(bare.gateway),
      ]);
    }
    const after = memory(pid);
    console.log(
      `artifact transfer, mlgate vs direct MLflow (same MLflow ${mlflow.url}, proxied artifacts on local disk, ` +
        `one ${SIZE_MIB} MiB file; target ratio >= 0.9, RSS growth < 64 MiB)\n`,
    );
    console.log(
      table(
        [
          'transfer',
          'size',
          'direct MiB/s',
          'mlgate MiB/s',
          'ratio',
          'bare hop MiB/s',
          'hop ratio',
          'mlgate RSS growth (peak)',
        ],
        rows,
      ),
    );
    console.log('\nCPU seconds per GiB (median round; client = this process, MLflow = its process tree):\n');
    console.log(
      table(
        [
          'transfer',
          'direct: client',
          'direct: MLflow',
          'mlgate: client',
          'mlgate: MLflow',
          'mlgate itself',
          'bare hop itself',
        ],
        cpuRows,
      ),
    );
    console.log(
      `\nmlgate RSS: ${fixed(baseline.rss / MIB, 1)} MiB after warm-up, peak ${fixed(peakRss / MIB, 1)} MiB ` +
        `(growth ${fixed((peakRss - baseline.rss) / MIB, 1)} MiB); VmHWM ${fixed(baseline.hwm / MIB, 1)} -> ` +
        `${fixed(after.hwm / MIB, 1)} MiB`,
    );
  } finally {
    for (const service of services.reverse()) {
      await service.stop();
    }
    tmp.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
