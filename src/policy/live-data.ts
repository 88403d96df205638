/**
 * Live permission data (issue 8, item 4): every replica polls the permission version in MongoDB (a document that
 * every write of permission data gives a new value, src/store/types.ts PermissionVersionRepository). When its data
 * part changes (regex rules, groups), they are read and the policy's data built aside, then swapped into the engine
 * in one step (DecisionEngine.setData); on any change cached grants and users are dropped (a grant or user change
 * rebuilds nothing, so it cannot stall a decision); requests keep being decided from the previous data
 * meanwhile, never from half of the new. FerretDB has no change streams, so polling is the one way that works on
 * every server; a change takes effect within permissions.refresh_interval_ms plus the time to load it. Where the
 * server has change streams (MongoDB as a replica set), a change is also pushed and loaded at once.
 *
 * When MongoDB cannot be read, the last good data keeps deciding for permissions.max_stale_ms after the last
 * successful check; past that every request is refused (MLGATE_PERMISSIONS_STALE, fail closed) and readiness
 * says so, until a check succeeds again.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

import { MlgateError } from '../errors.js';
import type { Logger } from '../logging.js';
import type {
  GroupRepository,
  PermissionVersion,
  PermissionVersionRepository,
  RegexRuleFields,
  RegexRuleRepository,
} from '../store/types.js';
import { NO_SLICES, type SliceTimes, createSliceTimer, longestOf } from '../util/slice-timer.js';
import type { DataLoadReport } from './data-loader.js';
import { type ReadState, partsToForget, readData } from './data-reader.js';
import { type ReusableBuild, buildPermissionData } from './permission-data.js';
import type { RuleLimits } from './rule-limits.js';

export interface LiveDataStatus {
  /** True while the data is within permissions.max_stale_ms of the last successful check. */
  readonly ok: boolean;
  /** The permission version of the data in the engine. */
  readonly version: string;
  readonly rules: number;
  readonly loadedAt: Date | null;
  readonly checkedAt: Date | null;
  /** How long since the last successful check. */
  readonly staleMs: number;
  readonly error?: string;
  /**
   * The synchronous slices of the last reload (checking new patterns, building the data, loading it): the longest
   * is how long the reload held the event loop in one go.
   */
  readonly reloadSlices?: ReloadSlices;
}

/** The slices of a reload, all together and by part. */
export interface ReloadSlices extends SliceTimes {
  readonly byPart: {
    /** Checking the patterns not checked before. */
    readonly check: SliceTimes;
    /** Building the policy data from the rules and groups read. */
    readonly build: SliceTimes;
    /** Loading it into the new policy instance (none when the install reports nothing). */
    readonly load: SliceTimes;
  };
}

export interface LiveData {
  /** Loads the data once (start-up: a failure stops the start), then checks every refresh interval. */
  start(): Promise<void>;
  stop(): void;
  /** Checks now (tests, and the CLI's own writes); resolves when the data is current or the check failed. */
  refresh(): Promise<void>;
  /** Throws MLGATE_PERMISSIONS_STALE when the data is older than the limit. */
  assertFresh(): void;
  status(): LiveDataStatus;
  /** True when any regex rule is loaded (experiment names are only looked up then). */
  hasRules(): boolean;
}

export interface LiveDataDeps {
  readonly version: Pick<PermissionVersionRepository, 'read' | 'watch' | 'readParts' | 'forgetParts'>;
  /** The rules, as the policy data is built from them (all of them, or those of the principals that changed). */
  readonly rules: Pick<RegexRuleRepository, 'listForPolicy' | 'listForPrincipals'>;
  readonly groups: Pick<GroupRepository, 'list' | 'getMany'>;
  /** The policy data that does not come from MongoDB (runtimeData(config)). */
  readonly baseData: object;
  /** Installs new data in the engine (DecisionEngine.setData), reporting how it was loaded when it can. */
  readonly install: (data: object) => Promise<DataLoadReport | void>;
  /** Whether the policy engine compiles a pattern (PatternChecker); asked once per pattern while it is in use. */
  readonly isValidPattern: (pattern: string) => boolean;
  /** Limits on one principal's rules (src/policy/rule-limits.ts); the configuration's defaults when absent. */
  readonly limits?: RuleLimits;
  /** Called after new data is installed (drop cached grants). */
  readonly onChange?: () => void;
  readonly intervalMs: number;
  readonly maxStaleMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

export function createLiveData(deps: LiveDataDeps): LiveData {
  const now = deps.now ?? Date.now;
  let version: PermissionVersion | null = null;
  let ruleCount = 0;
  let loadedAt: number | null = null;
  let checkedAt: number | null = null;
  let lastError: string | undefined;
  let reloadSlices: ReloadSlices | undefined;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let unwatch: (() => void) | undefined;
  /** Whether each pattern of the installed rules compiles (the checker's answer for a pattern never changes). */
  let checked = new Map<string, boolean>();
  /** The build of the installed data: the principals whose rules did not change are not built again. */
  let reusable: ReusableBuild | undefined;
  /** What the installed data was read from: the next reload reads only the parts that changed (data-reader.ts). */
  let readState: ReadState | undefined;

  const load = async (): Promise<void> => {
    const started = now();
    const seen = await deps.version.read();
    if (seen.any === version?.any) {
      checkedAt = started;
      lastError = undefined;
      return;
    }
    if (seen.data === version?.data) {
      // Grants or users changed, not the policy's data: drop what replicas cache of them, nothing to rebuild.
      version = seen;
      checkedAt = started;
      lastError = undefined;
      deps.onChange?.();
      return;
    }
    // Read the version first: a write landing after it bumps it again, and the next check loads once more.
    const read = await readData({ ...deps, now }, readState);
    const { rules: storedRules, groups } = read;
    // Each pattern is checked once while it stays loaded (one policy evaluation each, synchronous: 1,000 of them held
    // the event loop for about 50 ms), the new ones a slice at a time; the answers of patterns gone are dropped.
    const { answers, slices: checking } = await checkPatterns(storedRules, checked, deps.isValidPattern);
    const building = createSliceTimer();
    building.start();
    const built = await buildPermissionData(storedRules, groups, {
      ...deps,
      previous: reusable,
      // Every pattern has its answer; one the store gave twice is answered again rather than assumed.
      isValidPattern: (pattern) => answers.get(pattern) ?? deps.isValidPattern(pattern),
      slicing: { timer: building, sliceMs: SLICE_MS },
    });
    building.end();
    const { data, rules, invalid, overLimit } = built;
    for (const over of overLimit) {
      deps.logger.error('regex rules over the limits: their user or group is denied every resource of the type', over);
    }
    for (const { rule, problem } of invalid) {
      deps.logger.error(
        'a stored regex rule cannot be matched as written: it denies every resource of its user or group (or applies to nobody when it names none)',
        {
          rule: rule.id,
          problem,
          principal: `${rule.principalType}:${rule.principal}`,
        },
      );
    }
    // Requests waiting since the rules were read and built go first; then the new policy instance is made and swapped.
    await nextTurn();
    const report = await deps.install({ ...deps.baseData, ...data });
    const byPart = { check: checking, build: building.times(), load: report ?? NO_SLICES };
    reloadSlices = { ...longestOf(byPart.check, byPart.build, byPart.load), byPart };
    checked = answers;
    reusable = built.reusable;
    readState = read.state;
    forgetOldParts(read.state, read.data);
    const previous = version;
    // The rules read are at least as new as the data version read with their parts (a write may have landed since
    // `seen`); a later write of cached records only (grants, users) then finds this data current.
    version = { any: seen.any, data: read.data };
    ruleCount = rules.length;
    loadedAt = now();
    checkedAt = started;
    lastError = undefined;
    deps.onChange?.();
    if (previous !== null) {
      deps.logger.info('permission data reloaded', {
        version: seen.data,
        rules: rules.length,
        read: read.how.full ? 'all' : `${read.how.parts} changed part(s)`,
        slices: reloadSlices.slices,
        longest_slice_ms: round(reloadSlices.longestMs),
        build_ms: round(byPart.build.longestMs),
        ...(report === undefined ? {} : { sliced_load: report.sliced }),
      });
    }
  };

  /** Keeps the version document small (data-reader.ts partsToForget); a failure is retried after the next change. */
  const forgetOldParts = (state: ReadState, data: string): void => {
    const keys = partsToForget(state, now());
    if (keys.length === 0) return;
    deps.version.forgetParts(keys, data).then(
      (done) => deps.logger.info('permission data: forgot the versions of old parts', { parts: keys.length, done }),
      (error: unknown) =>
        deps.logger.warn('permission data: could not forget the versions of old parts', { err: error as Error }),
    );
  };

  const refresh = (): Promise<void> => {
    // One check at a time; a caller during a check waits for it.
    running ??= load()
      .catch((error: unknown) => {
        lastError = (error as Error).message;
        deps.logger.warn('could not refresh permission data; deciding from the last good data', {
          err: error as Error,
          stale_ms: staleMs(),
        });
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  const staleMs = (): number => (checkedAt === null ? Infinity : Math.max(0, now() - checkedAt));

  return {
    async start() {
      await load();
      timer = setInterval(() => void refresh(), deps.intervalMs);
      timer.unref();
      // Where the server pushes changes (MongoDB change streams), a change is loaded as soon as it is written; the
      // polling above stays, so a stream that never comes or breaks costs nothing but the interval.
      unwatch = deps.version.watch?.(
        () => void refresh(),
        (reason) =>
          deps.logger.info('permission data: no change stream on this server, polling only', {
            interval_ms: deps.intervalMs,
            reason,
          }),
      );
    },
    stop() {
      clearInterval(timer);
      unwatch?.();
    },
    refresh,
    assertFresh() {
      if (staleMs() > deps.maxStaleMs) {
        throw new MlgateError('MLGATE_PERMISSIONS_STALE', undefined, {
          details: { stale_ms: staleMs(), max_stale_ms: deps.maxStaleMs },
        });
      }
    },
    status() {
      const stale = staleMs();
      return {
        ok: version !== null && stale <= deps.maxStaleMs,
        version: version?.any ?? '',
        rules: ruleCount,
        loadedAt: loadedAt === null ? null : new Date(loadedAt),
        checkedAt: checkedAt === null ? null : new Date(checkedAt),
        staleMs: Number.isFinite(stale) ? stale : -1,
        ...(lastError === undefined ? {} : { error: lastError }),
        ...(reloadSlices === undefined ? {} : { reloadSlices }),
      };
    },
    hasRules: () => ruleCount > 0,
  };
}

/** How long checking new patterns, or building the data, may hold the event loop before it yields (ms). */
const SLICE_MS = 1;

/**
 * Whether each pattern of `rules` compiles: from `known` when it was checked before, else asked, yielding to
 * waiting requests whenever a slice of checks has run for SLICE_MS.
 */
async function checkPatterns(
  rules: readonly RegexRuleFields[],
  known: ReadonlyMap<string, boolean>,
  isValidPattern: (pattern: string) => boolean,
): Promise<{ answers: Map<string, boolean>; slices: SliceTimes }> {
  const answers = new Map<string, boolean>();
  const timer = createSliceTimer();
  timer.start();
  for (const rule of rules) {
    const pattern = (rule as unknown as Record<string, unknown>)['pattern'];
    if (typeof pattern !== 'string' || answers.has(pattern)) continue;
    const before = known.get(pattern);
    answers.set(pattern, before ?? isValidPattern(pattern));
    if (before === undefined && timer.elapsed() >= SLICE_MS) {
      timer.end();
      await nextTurn();
      timer.start();
    }
  }
  timer.end();
  return { answers, slices: timer.times() };
}

const round = (ms: number): number => Math.round(ms * 100) / 100;
