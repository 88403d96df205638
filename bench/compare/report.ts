/**
 * The tables of `make bench-compare`, from the rounds' samples: medians of the round figures, and each figure's
 * ratio to the baseline target of the same case.
 */
import { fixed } from '../stats.js';
import type { LoadSample, TransferSample } from './measure.js';
import type { Samples } from './rounds.js';
import type { SearchCheck } from './search-check.js';

export interface Table {
  readonly title: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The median of one figure of a target's samples of a case. */
function figure<S>(samples: Samples<S>, target: string, key: string, pick: (s: S) => number): number {
  return median((samples.get(target)?.get(key) ?? []).map(pick));
}

/** "value (ratio)", the ratio to the baseline left out on the baseline's own row. */
function withRatio(value: number, base: number, digits: number, isBase: boolean): string {
  return isBase ? fixed(value, digits) : `${fixed(value, digits)} (${fixed(value / base)})`;
}

/** Requests/s of every target per workload and concurrency, one column per target. */
export function throughputTable(
  loads: Samples<LoadSample>,
  targets: readonly string[],
  keys: readonly string[],
  baseline: string,
): Table {
  return {
    title: `Requests/s (median of rounds; in brackets ÷ ${baseline})`,
    headers: ['workload, concurrency', ...targets],
    rows: keys.map((key) => {
      const base = figure(loads, baseline, key, (s) => s.rps);
      return [
        key,
        ...targets.map((t) =>
          withRatio(
            figure(loads, t, key, (s) => s.rps),
            base,
            1,
            t === baseline,
          ),
        ),
      ];
    }),
  };
}

/** Every figure of every target per case, with its ratio to the baseline's. */
export function detailTable(
  loads: Samples<LoadSample>,
  targets: readonly string[],
  keys: readonly string[],
  baseline: string,
): Table {
  const columns: [string, (s: LoadSample) => number, number][] = [
    ['requests/s', (s) => s.rps, 1],
    ['p50 ms', (s) => s.p50, 2],
    ['p99 ms', (s) => s.p99, 2],
    ['CPU s per 1,000 req', (s) => s.cpuPer1k, 2],
    ['RSS MiB', (s) => s.rssMiB, 0],
  ];
  return {
    title: `Each figure per workload (median of rounds; in brackets ÷ ${baseline})`,
    headers: ['workload, concurrency', 'target', ...columns.map(([name]) => name), 'requests per round'],
    rows: keys.flatMap((key) =>
      targets.map((t) => [
        key,
        t,
        ...columns.map(([, pick, digits]) =>
          withRatio(figure(loads, t, key, pick), figure(loads, baseline, key, pick), digits, t === baseline),
        ),
        fixed(
          figure(loads, t, key, (s) => s.requests),
          0,
        ),
      ]),
    ),
  };
}

export function searchTable(checks: readonly SearchCheck[]): Table {
  return {
    title: 'SearchExperiments (max_results 100) as the user: what each target returned',
    headers: ['target', 'returned', 'expected', 'not readable', 'readable but missing', 'verdict'],
    rows: checks.map((c) => [
      c.target,
      String(c.returned),
      String(c.expected),
      String(c.unreadable),
      String(c.missing),
      c.ok ? 'as expected' : 'DIFFERS',
    ]),
  };
}

export function transferTable(
  transfers: Samples<TransferSample>,
  targets: readonly string[],
  baseline: string,
  sizeMiB: number,
): Table {
  const cell = (t: string, key: string, pick: (s: TransferSample) => number, digits: number): string =>
    withRatio(figure(transfers, t, key, pick), figure(transfers, baseline, key, pick), digits, t === baseline);
  return {
    title: `Artifact of ${sizeMiB} MiB through MLflow's artifact proxy, streamed (median of rounds; in brackets ÷ ${baseline})`,
    headers: ['target', 'upload MiB/s', 'download MiB/s', 'CPU s per GiB up', 'CPU s per GiB down', 'RSS MiB after'],
    rows: targets
      .filter((t) => transfers.has(t))
      .map((t) => [
        t,
        cell(t, 'upload', (s) => s.mibPerSecond, 0),
        cell(t, 'download', (s) => s.mibPerSecond, 0),
        cell(t, 'upload', (s) => s.cpuPerGiB, 2),
        cell(t, 'download', (s) => s.cpuPerGiB, 2),
        fixed(
          figure(transfers, t, 'download', (s) => s.rssMiB),
          0,
        ),
      ]),
  };
}

/**
 * Latency a layer adds over an instant upstream: each layer's p50/p99 less the upstream's alone, and the added
 * p50 as a multiple of the bare hop's. CPU is the layer's own processes' only.
 */
export function ownLatencyTable(
  loads: Samples<LoadSample>,
  layers: readonly string[],
  keys: readonly string[],
  upstream: string,
  bareHop: string,
): Table {
  return {
    title: `Own latency over an instant upstream (median of rounds; "added" = less the ${upstream} alone)`,
    headers: [
      'workload, concurrency',
      'target',
      'p50 ms',
      'added p50 ms',
      'p99 ms',
      'added p99 ms',
      'requests/s',
      'own CPU ms per req',
      `added p50 ÷ ${bareHop}'s`,
    ],
    rows: keys.flatMap((key) => {
      const at = (t: string, pick: (s: LoadSample) => number): number => figure(loads, t, key, pick);
      const base50 = at(upstream, (s) => s.p50);
      const base99 = at(upstream, (s) => s.p99);
      const hopAdded = at(bareHop, (s) => s.p50) - base50;
      return layers.map((t) => {
        const isBase = t === upstream;
        const added50 = at(t, (s) => s.p50) - base50;
        return [
          key,
          t,
          fixed(
            at(t, (s) => s.p50),
            3,
          ),
          isBase ? '-' : fixed(added50, 3),
          fixed(
            at(t, (s) => s.p99),
            3,
          ),
          isBase ? '-' : fixed(at(t, (s) => s.p99) - base99, 3),
          fixed(
            at(t, (s) => s.rps),
            0,
          ),
          fixed(
            at(t, (s) => s.cpuPer1k),
            3,
          ),
          isBase || t === bareHop ? '-' : fixed(added50 / hopAdded, 1),
        ];
      });
    }),
  };
}
