/**
 * Interleaved rounds: in every round each case (a workload at a concurrency, or an artifact transfer) is measured
 * on every target in turn, the targets' order rotating from round to round, so that whatever else the machine
 * does falls on all of them alike. Every round's figure is kept; the report takes medians.
 */
import type { Workload } from '../load.js';
import { MIB } from '../transfer.js';
import { type LoadSample, type TransferSample, measureLoad, measureTransfer } from './measure.js';
import type { Target } from './target.js';

/** A target with the workloads built on its data, in the same order for every target of a group. */
export interface Driven {
  readonly target: Target;
  readonly workloads: readonly Workload[];
  /** Where its artifacts go (`…/artifacts/<experiment>/<run>/artifacts`); none: no artifact transfers. */
  readonly artifactBase?: string;
}

export interface LoadGroup {
  readonly driven: readonly Driven[];
  readonly concurrency: readonly number[];
}

export interface Settings {
  readonly rounds: number;
  readonly seconds: number;
  readonly concurrency: readonly number[];
  /** Artifact size in MiB; 0 leaves the artifact transfers out. */
  readonly artifactMiB: number;
}

/** Samples by target name, then case key ("GetExperiment c1", "upload", …), one per round. */
export type Samples<S> = Map<string, Map<string, S[]>>;

export const caseKey = (workload: string, concurrency: number): string => `${workload} c${concurrency}`;

function keep<S>(samples: Samples<S>, target: string, key: string, sample: S): void {
  const byCase = samples.get(target) ?? new Map<string, S[]>();
  byCase.set(key, [...(byCase.get(key) ?? []), sample]);
  samples.set(target, byCase);
}

const rotate = <T>(items: readonly T[], by: number): T[] => items.map((_, i) => items[(i + by) % items.length] as T);

const TRANSFERS = [
  ['upload', 'PUT'],
  ['download', 'GET'],
] as const;

/** A short unmeasured pass of every workload on every target, and a small artifact up and down. */
export async function warmUp(groups: readonly LoadGroup[], settings: Settings): Promise<void> {
  for (const { target, workloads, artifactBase } of groups.flatMap((g) => g.driven)) {
    for (const workload of workloads) {
      await measureLoad(target, workload, 1, Math.min(1, settings.seconds));
    }
    if (settings.artifactMiB > 0 && artifactBase !== undefined) {
      for (const [, method] of TRANSFERS) await measureTransfer(target, method, `${artifactBase}/warm.bin`, 4 * MIB);
    }
  }
}

/** Runs the rounds; `progress` is told of every measurement. */
export async function runRounds(
  groups: readonly LoadGroup[],
  settings: Settings,
  progress: (line: string) => void,
): Promise<{ loads: Samples<LoadSample>[]; transfers: Samples<TransferSample> }> {
  // One map per group: the same target name may appear in two groups.
  const loads: Samples<LoadSample>[] = groups.map(() => new Map<string, Map<string, LoadSample[]>>());
  const transfers: Samples<TransferSample> = new Map();
  const label = (round: number, key: string, target: Target): string =>
    `round ${round + 1}/${settings.rounds}  ${key.padEnd(22)} ${target.name.padEnd(18)}`;
  for (let round = 0; round < settings.rounds; round++) {
    for (const [groupIndex, group] of groups.entries()) {
      const order = rotate(group.driven, round);
      const count = order[0]?.workloads.length ?? 0;
      for (let index = 0; index < count; index++) {
        for (const concurrency of group.concurrency) {
          for (const { target, workloads } of order) {
            const workload = workloads[index] as Workload;
            const key = caseKey(workload.name, concurrency);
            const sample = await measureLoad(target, workload, concurrency, settings.seconds);
            keep(loads[groupIndex] as Samples<LoadSample>, target.name, key, sample);
            progress(`${label(round, key, target)} ${sample.rps.toFixed(1)} rps, p50 ${sample.p50.toFixed(2)} ms`);
          }
        }
      }
    }
    if (settings.artifactMiB > 0) {
      for (const { target, artifactBase } of rotate(
        groups.flatMap((g) => g.driven),
        round,
      )) {
        if (artifactBase === undefined) continue;
        for (const [key, method] of TRANSFERS) {
          const size = settings.artifactMiB * MIB;
          const sample = await measureTransfer(target, method, `${artifactBase}/big.bin`, size);
          keep(transfers, target.name, key, sample);
          progress(`${label(round, key, target)} ${sample.mibPerSecond.toFixed(0)} MiB/s`);
        }
      }
    }
  }
  return { loads, transfers };
}
