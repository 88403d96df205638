/**
 * The permission data of the store as the policy reads it (data.rules, data.groups): what every replica installs
 * (live-data.ts), and what `mlgate explain` decides with. Built a slice at a time: the rules are cut into chunks
 * that keep each principal's rules together (rulesData sorts and limits them per principal), each chunk is built
 * alone and the chunks merged, so building 1,000 rules does not hold the event loop in one go.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

import type { GroupRecord, GroupRepository, RegexRuleRecord, RegexRuleRepository } from '../store/types.js';
import type { SliceTimer } from '../util/slice-timer.js';
import { type PolicyRules, groupsData, ruleProblem, rulesData } from './data.js';
import { DEFAULT_RULE_LIMITS, type RuleLimits } from './rule-limits.js';

/** What readPermissionData and buildPermissionData answer. */
export interface PermissionData {
  readonly data: object;
  readonly rules: RegexRuleRecord[];
  /** The rules with a problem (ruleProblem), and what it is. */
  readonly invalid: { readonly rule: RegexRuleRecord; readonly problem: string }[];
  /** Principals whose rules of a type are over the limits (each then denied every resource of the type). */
  readonly overLimit: { readonly type: string; readonly principal: string; readonly problem: string }[];
}

export interface PermissionDataDeps {
  readonly isValidPattern: (pattern: string) => boolean;
  readonly limits?: RuleLimits;
  /** Times the slices of the build, and yields to waiting requests between them (live data); none by default. */
  readonly slicing?: { readonly timer: SliceTimer; readonly sliceMs: number };
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
export async function buildPermissionData(
  rules: RegexRuleRecord[],
  groups: readonly GroupRecord[],
  deps: PermissionDataDeps,
): Promise<PermissionData> {
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
  const overLimit: { type: string; principal: string; problem: string }[] = [];
  const invalid: { rule: RegexRuleRecord; problem: string }[] = [];
  const merged: PolicyRules = Object.create(null) as PolicyRules;
  for (const chunk of principalChunks(rules, RULES_PER_CHUNK)) {
    mergeRules(merged, rulesData(chunk, isValid, limits, (over) => overLimit.push(over)).rules);
    for (const rule of chunk) {
      const problem = ruleProblem(rule, isValid);
      if (problem !== null) invalid.push({ rule, problem });
    }
    await yieldIfDue(deps.slicing);
  }
  // In the store's order, as a single pass reports them.
  const order = new Map(rules.map((rule, i) => [rule, i]));
  invalid.sort((a, b) => (order.get(a.rule) ?? 0) - (order.get(b.rule) ?? 0));
  return { data: { rules: merged, ...groupsData(groups) }, rules, invalid, overLimit };
}

async function yieldIfDue(slicing: PermissionDataDeps['slicing']): Promise<void> {
  if (slicing !== undefined && slicing.timer.elapsed() >= slicing.sliceMs) {
    slicing.timer.end();
    await nextTurn();
    slicing.timer.start();
  }
}

/**
 * The rules in chunks of about `size` (larger only where one principal has more), each principal's rules of one
 * resource type in one chunk, in the order the store gave them.
 */
export function principalChunks(rules: readonly RegexRuleRecord[], size: number): RegexRuleRecord[][] {
  const byPrincipal = new Map<string, RegexRuleRecord[]>();
  for (const rule of rules) {
    const stored = rule as unknown as Record<string, unknown>;
    const key = [stored['resourceType'], stored['principalType'], stored['principal']].map(String).join('\u0000');
    const list = byPrincipal.get(key);
    if (list === undefined) byPrincipal.set(key, [rule]);
    else list.push(rule);
  }
  const chunks: RegexRuleRecord[][] = [];
  let current: RegexRuleRecord[] = [];
  for (const list of byPrincipal.values()) {
    if (current.length > 0 && current.length + list.length > size) {
      chunks.push(current);
      current = [];
    }
    current.push(...list);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Adds the principals' rule lists of `part` to `into` (each principal is in one part only). */
function mergeRules(into: PolicyRules, part: PolicyRules): void {
  for (const [type, ofType] of Object.entries(part)) {
    const target = (into[type] ??= { user: emptyMap(), group: emptyMap() });
    for (const principalType of ['user', 'group'] as const) {
      for (const [principal, list] of Object.entries(ofType[principalType])) {
        target[principalType][principal] = list;
      }
    }
  }
}

function emptyMap(): PolicyRules[string]['user'] {
  return Object.create(null) as PolicyRules[string]['user'];
}
