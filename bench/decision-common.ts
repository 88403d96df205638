/**
 * What bench/decision-scale.ts and bench/decision-stall.ts share: the requests they decide, the whole decision as
 * the gateway makes it once a route is matched and its ids resolved, live data wired as the gateway wires it, and
 * how the data is loaded into a new policy instance.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { Principal } from '../src/auth/principal.js';
import { silentLogger } from '../src/logging.js';
import type { Decision } from '../src/policy/decision.js';
import { DEFAULT_DATA_LOAD, type DataLoadOptions, type DataLoadReport } from '../src/policy/data-loader.js';
import type { DecisionEngine } from '../src/policy/engine.js';
import { type ResolvedTarget, buildPolicyInput, keyedGrants } from '../src/policy/input.js';
import { type LiveData, createLiveData } from '../src/policy/live-data.js';
import type { GrantSource } from '../src/store/grant-cache.js';
import type { Store } from '../src/store/types.js';
import type { ScaleData, ScaleUser } from './scale-data.js';

/**
 * BENCH_SDK_SET_DATA=1 loads the data as before, with the SDK's setData in one synchronous call (any SDK version but
 * the checked one takes that path), to compare with the sliced load in the same conditions.
 */
export const SDK_SET_DATA = process.env['BENCH_SDK_SET_DATA'] === '1';
export const DATA_LOAD: DataLoadOptions = SDK_SET_DATA
  ? { ...DEFAULT_DATA_LOAD, sdkVersion: 'sdk-set-data' }
  : DEFAULT_DATA_LOAD;

/** Issue 8: no request stalled by more than this (ms) during an update. */
export const STALL_TARGET_MS = 5;

/** What bench/decision-stall.js sends its parent for the verdict. */
export interface StallSummary {
  /** The longest wait + decision of a decision overlapping a reload (ms), by the clock and as own work. */
  readonly worstGapMs: number;
  readonly worstGapWorkMs: number;
  /** The reloads' longest synchronous slice, by the clock and by their own work (ms). */
  readonly longestSliceMs: number;
  readonly longestWorkMs: number;
}

export interface Request {
  readonly principal: Principal;
  readonly operation: string;
  readonly targets: readonly ResolvedTarget[];
}

export interface Timed {
  readonly decision: Decision | Set<string>;
  /** Microseconds: grant look-up, input building, policy evaluation with parsing, all of it. */
  readonly lookup: number;
  readonly input: number;
  readonly policy: number;
  readonly whole: number;
}

const micros = (from: bigint, to: bigint): number => Number(to - from) / 1e3;

/** What resolve-targets + authorize do for a request once its ids are resolved, timed part by part. */
export async function wholeDecision(
  grants: GrantSource,
  engine: DecisionEngine,
  request: Request,
  kind: 'decide' | 'visible' = 'decide',
): Promise<Timed> {
  const t0 = process.hrtime.bigint();
  const { principal, targets } = request;
  const ids = targets.filter((t) => t.exists).map((t) => t.id);
  const found =
    ids.length === 0
      ? new Map()
      : keyedGrants(
          'experiment',
          await grants.forPrincipal('experiment', ids, principal.username ?? '', principal.groups),
        );
  const t1 = process.hrtime.bigint();
  const input = buildPolicyInput({
    principal,
    operation: request.operation,
    targets,
    grants: found,
    method: kind === 'visible' ? 'POST' : 'GET',
    path: '/api/2.0/mlflow/experiments/get',
    now: new Date(),
  });
  const t2 = process.hrtime.bigint();
  // As a request does: a snapshot for the request, released when it ends (its instance may then be reused).
  const policy = engine.snapshot();
  const decision = kind === 'visible' ? policy.visible(input) : policy.decide(input);
  policy.release();
  const t3 = process.hrtime.bigint();
  return { decision, lookup: micros(t0, t1), input: micros(t1, t2), policy: micros(t2, t3), whole: micros(t0, t3) };
}

export function principalOf(user: ScaleUser): Principal {
  return { authenticated: true, username: user.username, isAdmin: false, groups: user.groups, method: 'basic' };
}

function targetOf(data: ScaleData, id: string): ResolvedTarget {
  const experiment = data.experiments[Number(id) - 1];
  return { type: 'experiment', id, via: 'experiment', ref: id, exists: true, name: experiment?.name ?? '' };
}

/** Random callers among all users; half of the requests name an experiment they hold a grant on. */
export function sampleRequests(data: ScaleData, count: number, random: () => number): Request[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return Array.from({ length: count }, () => {
    const user = pick(data.users);
    const granted = data.granted(user);
    const id = granted.length > 0 && random() < 0.5 ? pick(granted) : pick(data.experiments).id;
    return {
      principal: principalOf(user),
      operation: random() < 0.7 ? 'GetExperiment' : 'UpdateExperiment',
      targets: [targetOf(data, id)],
    };
  });
}

/** Search pages of 100 experiments each, by random callers. */
export function searchPages(data: ScaleData, count: number, random: () => number): Request[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return Array.from({ length: count }, () => ({
    principal: principalOf(pick(data.users)),
    operation: 'SearchExperiments',
    targets: Array.from({ length: 100 }, () => targetOf(data, pick(data.experiments).id)),
  }));
}

/** One reload: from reading the rules to the new data in place, and how its data was loaded. */
export interface Reload {
  readonly start: number;
  readonly end: number;
  readonly report: DataLoadReport;
}

/** Live data as the gateway wires it (cached grants dropped on a change); each reload recorded in `reloads`. */
export function liveDataOf(
  store: Store,
  engine: DecisionEngine,
  grants: GrantSource,
  base: object,
  isValidPattern: (pattern: string) => boolean,
  intervalMs: number,
  reloads?: Reload[],
): LiveData {
  let started = 0;
  return createLiveData({
    // From reading what changed to the new data in place: the window in which a reload can hold the event loop.
    version: {
      read: () => store.permissionVersion.read(),
      readParts: () => {
        started = performance.now();
        return store.permissionVersion.readParts();
      },
      forgetParts: (keys, data) => store.permissionVersion.forgetParts(keys, data),
    },
    groups: store.groups,
    rules: store.regexRules,
    baseData: base,
    install: async (d) => {
      const report = await engine.setData(d);
      reloads?.push({ start: started, end: performance.now(), report });
      return report;
    },
    isValidPattern,
    onChange: () => grants.clear(),
    intervalMs,
    maxStaleMs: 60_000,
    logger: silentLogger,
  });
}

/** Resolves once `check` holds, checking every millisecond; throws after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(1);
  }
}
