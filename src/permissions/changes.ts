/**
 * Permission changes that take more than one store call, made the same way by the command line and the gateway's
 * API: adding a regex rule within the per-principal limits, and deleting a group with everything it held. Each
 * store write bumps the permission version (src/store/), so every replica sees the change within the staleness
 * bound.
 */
import { MlgateError } from '../errors.js';
import type { PatternChecker } from '../policy/patterns.js';
import { type RuleLimits, ruleLimitProblem } from '../policy/rule-limits.js';
import type { RegexRuleRecord, Store } from '../store/types.js';

/** A rule to add; `createdBy` is `cli`, or `api:<username>`. */
export type NewRule = Omit<RegexRuleRecord, 'id' | 'createdAt'>;

/**
 * Adds a regex rule whose other fields are already checked: the pattern must compile in the policy's own regex
 * engine (MLGATE_PATTERN_INVALID), and the principal's rules of the type must stay within the limits
 * (MLGATE_RULE_LIMIT).
 */
export async function addRegexRule(
  deps: { readonly store: Pick<Store, 'regexRules'>; readonly patterns: PatternChecker; readonly limits: RuleLimits },
  rule: NewRule,
): Promise<RegexRuleRecord> {
  deps.patterns.check(rule.pattern);
  const theirs = (await deps.store.regexRules.list()).filter(
    (r) =>
      r.resourceType === rule.resourceType && r.principalType === rule.principalType && r.principal === rule.principal,
  );
  const problem = ruleLimitProblem([...theirs.map((r) => r.pattern), rule.pattern], deps.limits);
  if (problem !== null) {
    throw new MlgateError(
      'MLGATE_RULE_LIMIT',
      `${rule.principalType} ${rule.principal} would have ${problem} on ${rule.resourceType} names. Combine patterns ` +
        '(one alternation instead of several rules) or remove rules (mlgate rule list and mlgate rule remove, or ' +
        'GET and DELETE /_mlgate/api/rules).',
    );
  }
  return deps.store.regexRules.add(rule);
}

export interface GroupDeletion {
  /** True when the group was defined (mlgate group create); false for a group only grants or users named. */
  readonly defined: boolean;
  readonly grantsRemoved: number;
  readonly rulesRemoved: number;
  /** Users whose stored groups named it. */
  readonly membersRemoved: number;
}

/**
 * Deletes a group and everything it held: its definition, its grants, its regex rules and its place in users'
 * stored groups (groups an identity provider sends come back at the member's next login, with nothing granted).
 * Works for groups that were never defined too; MLGATE_NO_SUCH_OBJECT when nothing names the group.
 */
export async function deleteGroupEverywhere(store: Store, name: string): Promise<GroupDeletion> {
  const defined = await store.groups.delete(name);
  const grantsRemoved = await store.grants.removeAllForPrincipal('group', name);
  const rulesRemoved = await store.regexRules.removeAllForPrincipal('group', name);
  const membersRemoved = await store.users.removeGroupEverywhere(name);
  if (!defined && grantsRemoved === 0 && rulesRemoved === 0 && membersRemoved === 0) {
    throw new MlgateError('MLGATE_NO_SUCH_OBJECT', `There is no group "${name}": nothing defines, grants or names it.`);
  }
  return { defined, grantsRemoved, rulesRemoved, membersRemoved };
}
