/**
 * The permission data of the store as the policy reads it (data.rules, data.groups): what every replica installs
 * (live-data.ts), and what `mlgate explain` decides with. Built a slice at a time: the rules are cut into chunks
 * that keep each principal's rules together (rulesData sorts and limits them per principal), each chunk is built
 * alone and the chunks merged, so building 1,000 rules does not hold the event loop in one go.
 *
 * A build can reuse the previous one (issue 8: each reload rebuilt every rule, and the garbage of 1,000 rules a
 * reload, alive across the many turns of a sliced reload, drove full garbage collections): a principal whose stored
 * rules of a type are the same as last time, field for field and in the same order, gets the very lists built last
 * time (frozen, so data-pieces.ts can reuse their JSON too); only the principals whose rules changed are built again.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

import type {
  GroupRecord,
  GroupRepository,
  RegexRuleFields,
  RegexRuleRecord,
  RegexRuleRepository,
} from '../store/types.js';
import type { SliceTimer } from '../util/slice-timer.js';
import { type PolicyRule, type PolicyRules, groupsData, placeable, ruleProblem, rulesData } from './data.js';
import { DEFAULT_RULE_LIMITS, type RuleLimits } from './rule-limits.js';

/** A principal over the limits (see rule-limits.ts); a type, so it can be logged as a record. */
export type OverLimit = { readonly type: string; readonly principal: string; readonly problem: string };

/** What readPermissionData and buildPermissionData answer. */
export interface PermissionData<R extends RegexRuleFields = RegexRuleRecord> {
  readonly data: object;
  readonly rules: R[];
  /** The rules with a problem (ruleProblem), and what it is. */
  readonly invalid: { readonly rule: R; readonly problem: string }[];
  /** Principals whose rules of a type are over the limits (each then denied every resource of the type). */
  readonly overLimit: OverLimit[];
  /** What the next build may reuse (PermissionDataDeps.previous). */
  readonly reusable: ReusableBuild;
}

/** One principal's rules of one type as built: kept for the next build, which reuses it when they are the same. */
interface PrincipalBuild {
  /**
   * The fields it was built from (BUILT_FROM) of each stored rule, in the store's order: copies, so a store that
   * changed a record in place and listed the same object again would still be seen to have changed it.
   */
  readonly stored: readonly Readonly<Record<string, unknown>>[];
  /**
   * The policy's list of these rules (rulesData of them alone, frozen with every rule in it), and where it goes;
   * null when they name no principal (they apply to nobody).
   */
  readonly placed: PlacedList | null;
  /** The rules with a problem, by their place in `stored`. */
  readonly invalid: readonly { readonly index: number; readonly problem: string }[];
  readonly overLimit: readonly OverLimit[];
}

/** One principal's list of rules in the policy data: data.rules[type][principalType][principal]. */
interface PlacedList {
  readonly type: string;
  readonly principalType: 'user' | 'group';
  readonly principal: string;
  readonly list: readonly PolicyRule[];
}

/** A build's principals, for the next build (opaque to callers). */
export interface ReusableBuild {
  readonly limits: RuleLimits;
  readonly principals: ReadonlyMap<string, PrincipalBuild>;
}

export interface PermissionDataDeps {
  /**
   * Whether the policy compiles a pattern. Its answer for a pattern must not change from one build to the next
   * that reuses it (it is the policy's RE2; live data assumes the same of the answers it keeps).
   */
  readonly isValidPattern: (pattern: string) => boolean;
  readonly limits?: RuleLimits;
  /** Times the slices of the build, and yields to waiting requests between them (live data); none by default. */
  readonly slicing?: { readonly timer: SliceTimer; readonly sliceMs: number };
  /** The previous build's `reusable`: principals whose stored rules are the same are not built again. */
  readonly previous?: ReusableBuild;
}

/** Rules built in one go at most (about 0.2 ms of work each chunk on a quiet machine). */
const RULES_PER_CHUNK = 250;

/** Reads the rules and groups, and builds their policy data. `invalid` lists the rules that cannot be matched. */
export async function readPermissionData(
  deps: PermissionDataDeps & {
    readonly rules: Pick<RegexRuleRepository, 'list'>;
    readonly groups: Pick<GroupRepository, 'list'>;
  },
): Promise<PermissionData> {
  const [rules, groups] = await Promise.all([deps.rules.list(), deps.groups.list()]);
  return buildPermissionData(rules, groups, deps);
}

/** The policy data of rules and groups read from the store. */
export async function buildPermissionData<R extends RegexRuleFields>(
  rules: R[],
  groups: readonly GroupRecord[],
  deps: PermissionDataDeps,
): Promise<PermissionData<R>> {
  // Each pattern compiled once; ruleProblem only asks about strings.
  const validity = new Map<string, boolean>();
  const isValid = (pattern: string): boolean => {
    let valid = validity.get(pattern);
    if (valid === undefined) {
      valid = deps.isValidPattern(pattern);
      validity.set(pattern, valid);
    }
    return valid;
  };
  const limits = deps.limits ?? DEFAULT_RULE_LIMITS;
  const previous = deps.previous !== undefined && sameLimits(deps.previous.limits, limits) ? deps.previous : null;
  const principals = new Map<string, PrincipalBuild>();
  const overLimit: OverLimit[] = [];
  const invalid: { rule: R; problem: string }[] = [];
  const merged: PolicyRules = Object.create(null) as PolicyRules;
  for (const chunk of principalGroupChunks(rules, RULES_PER_CHUNK)) {
    const changed: { key: string; stored: R[] }[] = [];
    for (const group of chunk) {
      const before = previous?.principals.get(group.key);
      if (before !== undefined && sameStored(before.stored, group.stored)) add(group.key, group.stored, before);
      else changed.push(group);
      // Comparing with the previous build is most of a reload's work (few principals change): it yields as it goes.
      if (isDue(deps.slicing)) await yieldNow(deps.slicing);
    }
    // The principals whose rules changed (all of them the first time), built together.
    const builds = changed.length > 0 ? buildPrincipals(changed) : null;
    for (const group of changed) add(group.key, group.stored, builds?.get(group.key) as PrincipalBuild);
    await yieldIfDue(deps.slicing);
  }
  // In the store's order, as a single pass reports them.
  if (invalid.length > 1) {
    const order = new Map(rules.map((rule, i) => [rule, i]));
    invalid.sort((a, b) => (order.get(a.rule) ?? 0) - (order.get(b.rule) ?? 0));
  }
  return {
    data: { rules: merged, ...groupsData(groups) },
    rules,
    invalid,
    overLimit,
    reusable: { limits, principals },
  };

  function add(key: string, stored: readonly R[], build: PrincipalBuild): void {
    principals.set(key, build);
    if (build.placed !== null) place(merged, build.placed);
    overLimit.push(...build.overLimit);
    // The rules read now, not the equal ones of a build reused: the store's order is found by identity.
    for (const { index, problem } of build.invalid) invalid.push({ rule: stored[index] as R, problem });
  }

  /** Builds the principals' rules in one pass of rulesData, and cuts the result by principal. */
  function buildPrincipals(changed: readonly { key: string; stored: R[] }[]): Map<string, PrincipalBuild> {
    const over = new Map<string, OverLimit>();
    const built = rulesData(
      changed.flatMap((group) => group.stored),
      isValid,
      limits,
      (o) => over.set(`${o.type}\u0000${o.principal}`, o),
    ).rules;
    const builds = new Map<string, PrincipalBuild>();
    for (const { key, stored } of changed) {
      const problems: { index: number; problem: string }[] = [];
      stored.forEach((rule, index) => {
        const problem = ruleProblem(rule, isValid);
        if (problem !== null) problems.push({ index, problem });
      });
      const placed = placedList(built, stored);
      const overOf =
        placed === null ? undefined : over.get(`${placed.type}\u0000${placed.principalType}:${placed.principal}`);
      builds.set(key, {
        stored: stored.map(builtFrom),
        placed,
        invalid: problems,
        overLimit: overOf === undefined ? [] : [overOf],
      });
    }
    return builds;
  }
}

/** Whether the current slice has run its time (never without slicing). */
function isDue(slicing: PermissionDataDeps['slicing']): slicing is NonNullable<PermissionDataDeps['slicing']> {
  return slicing !== undefined && slicing.timer.elapsed() >= slicing.sliceMs;
}

/** Ends the slice, lets waiting requests run, and starts the next. */
async function yieldNow(slicing: NonNullable<PermissionDataDeps['slicing']>): Promise<void> {
  slicing.timer.end();
  await nextTurn();
  slicing.timer.start();
}

async function yieldIfDue(slicing: PermissionDataDeps['slicing']): Promise<void> {
  if (isDue(slicing)) await yieldNow(slicing);
}

/** The fields a rule is built from: two stored rules equal in all of them build the same policy rule. */
const BUILT_FROM = ['id', 'resourceType', 'principalType', 'principal', 'pattern', 'priority', 'permission'] as const;

/** The fields of a stored rule its policy rule is built from. */
function builtFrom(rule: RegexRuleFields): Readonly<Record<string, unknown>> {
  const stored = rule as unknown as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const field of BUILT_FROM) fields[field] = stored[field];
  return fields;
}

/** Whether stored rules are the same as those of a build (builtFrom), field for field (Object.is) and in order. */
export function sameStored(a: readonly object[], b: readonly object[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Record<string, unknown>;
    const y = b[i] as unknown as Record<string, unknown>;
    for (const field of BUILT_FROM) {
      if (!Object.is(x[field], y[field])) return false;
    }
  }
  return true;
}

const sameLimits = (a: RuleLimits, b: RuleLimits): boolean => a.maxRules === b.maxRules && a.maxChars === b.maxChars;

/**
 * Where one principal's stored rules went in `rules` (rulesData of them and others), frozen with its rules; null
 * when they name no principal (rulesData left them out).
 */
function placedList(rules: PolicyRules, stored: readonly RegexRuleFields[]): PlacedList | null {
  for (const rule of stored) {
    if (!placeable(rule)) continue;
    const list = rules[rule.resourceType]?.[rule.principalType][rule.principal];
    if (list !== undefined) {
      for (const policyRule of list) Object.freeze(policyRule);
      return {
        type: rule.resourceType,
        principalType: rule.principalType,
        principal: rule.principal,
        list: Object.freeze(list),
      };
    }
  }
  return null;
}

/** Stored rules grouped by resource type, principal type and principal (the key), in the store's order. */
function principalGroups<R extends RegexRuleFields>(rules: readonly R[]): Map<string, R[]> {
  const byPrincipal = new Map<string, R[]>();
  for (const rule of rules) {
    const stored = rule as unknown as Record<string, unknown>;
    const key = `${String(stored['resourceType'])}\u0000${String(stored['principalType'])}\u0000${String(stored['principal'])}`;
    const list = byPrincipal.get(key);
    if (list === undefined) byPrincipal.set(key, [rule]);
    else list.push(rule);
  }
  return byPrincipal;
}

/** The principals' rules in chunks of about `size` rules (larger only where one principal has more). */
function principalGroupChunks<R extends RegexRuleFields>(
  rules: readonly R[],
  size: number,
): { key: string; stored: R[] }[][] {
  const chunks: { key: string; stored: R[] }[][] = [];
  let current: { key: string; stored: R[] }[] = [];
  let count = 0;
  for (const [key, stored] of principalGroups(rules)) {
    if (count > 0 && count + stored.length > size) {
      chunks.push(current);
      current = [];
      count = 0;
    }
    current.push({ key, stored });
    count += stored.length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * The rules in chunks of about `size` (larger only where one principal has more), each principal's rules of one
 * resource type in one chunk, in the order the store gave them.
 */
export function principalChunks<R extends RegexRuleFields>(rules: readonly R[], size: number): R[][] {
  return principalGroupChunks(rules, size).map((chunk) => chunk.flatMap((group) => group.stored));
}

/** Puts a principal's list in the policy data. */
function place(into: PolicyRules, { type, principalType, principal, list }: PlacedList): void {
  const ofType = (into[type] ??= { user: emptyMap(), group: emptyMap() });
  // The policy data is only read (written to JSON): the frozen list is shared with the next build.
  ofType[principalType][principal] = list as PolicyRule[];
}

function emptyMap(): PolicyRules[string]['user'] {
  return Object.create(null) as PolicyRules[string]['user'];
}
