/** One measurement of one target, with the target's CPU time and memory read from /proc around it. */
import { type Workload, concurrent } from '../load.js';
import { MIB, transfer } from '../transfer.js';
import { cpuSeconds, rssBytes } from './proc.js';
import type { Target } from './target.js';

export interface LoadSample {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** The target's CPU seconds per 1,000 requests (= CPU milliseconds per request). */
  readonly cpuPer1k: number;
  /** The target's resident memory after the load, MiB. */
  readonly rssMiB: number;
  readonly requests: number;
}

export interface TransferSample {
  readonly mibPerSecond: number;
  /** The target's CPU seconds per GiB moved. */
  readonly cpuPerGiB: number;
  readonly rssMiB: number;
}

/** Drives `workload` as the target's ordinary user on `concurrency` keep-alive connections for `seconds`. */
export async function measureLoad(
  target: Target,
  workload: Workload,
  concurrency: number,
  seconds: number,
): Promise<LoadSample> {
  const pids = target.pids();
  const before = cpuSeconds(pids);
  const summary = await concurrent(target.url, workload, concurrency, seconds, target.userAuthorization);
  const cpu = cpuSeconds(pids) - before;
  return {
    rps: summary.rps,
    p50: summary.p50,
    p99: summary.p99,
    cpuPer1k: (cpu / Math.max(1, summary.count)) * 1000,
    rssMiB: rssBytes(pids) / MIB,
    requests: summary.count,
  };
}

/** Uploads (PUT) or downloads (GET) one artifact of `bytes` through the target's artifact proxy, as the user. */
export async function measureTransfer(
  target: Target,
  method: 'PUT' | 'GET',
  path: string,
  bytes: number,
): Promise<TransferSample> {
  const pids = target.pids();
  const before = cpuSeconds(pids);
  const result = await transfer(target.url, method, path, target.userAuthorization, bytes);
  if (method === 'GET' && result.bytes !== bytes) {
    throw new Error(`${target.name}: downloaded ${result.bytes} bytes of ${bytes}`);
  }
  const cpu = cpuSeconds(pids) - before;
  return {
    mibPerSecond: result.bytes / MIB / result.seconds,
    cpuPerGiB: cpu / (result.bytes / (1024 * MIB)),
    rssMiB: rssBytes(pids) / MIB,
  };
}
