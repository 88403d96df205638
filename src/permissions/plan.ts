/**
 * What `mlgate apply` changes (pure): the declared groups, grants and rules against what the store holds. Objects
 * the file declares are created, or updated when they differ (or were made by someone else: apply takes them over);
 * objects an earlier apply of the same owner made and the file no longer declares are deleted. Everything else in
 * the store (CLI grants, creator grants, rules added by hand) is left alone.
 */
import type { PermissionLevel } from '../config/schema.js';
import type { GrantRecord, GroupRecord, PrincipalType, RegexRuleRecord, ResourceType } from '../store/types.js';
import { type RuleLimits, ruleLimitProblem } from '../policy/rule-limits.js';
import type { DeclaredGroup, DeclaredRule } from './file.js';

/** A grant as applied: on a resource id (experiment names are looked up before planning). */
export interface ResolvedGrant {
  readonly resourceType: ResourceType;
  readonly resourceId: string;
  readonly principalType: PrincipalType;
  readonly principal: string;
  readonly permission: PermissionLevel;
}

export interface Desired {
  readonly groups: readonly DeclaredGroup[];
  readonly grants: readonly ResolvedGrant[];
  readonly rules: readonly DeclaredRule[];
}

export interface Current {
  readonly groups: readonly GroupRecord[];
  readonly grants: readonly GrantRecord[];
  readonly rules: readonly RegexRuleRecord[];
}

export type Change =
  | { readonly kind: 'group'; readonly action: 'create'; readonly group: DeclaredGroup }
  | { readonly kind: 'group'; readonly action: 'update'; readonly group: DeclaredGroup; readonly before: GroupRecord }
  | { readonly kind: 'group'; readonly action: 'delete'; readonly before: GroupRecord }
  | { readonly kind: 'grant'; readonly action: 'create'; readonly grant: ResolvedGrant }
  | { readonly kind: 'grant'; readonly action: 'update'; readonly grant: ResolvedGrant; readonly before: GrantRecord }
  | { readonly kind: 'grant'; readonly action: 'delete'; readonly before: GrantRecord }
  | { readonly kind: 'rule'; readonly action: 'create'; readonly rule: DeclaredRule }
  | { readonly kind: 'rule'; readonly action: 'update'; readonly rule: DeclaredRule; readonly before: RegexRuleRecord }
  | { readonly kind: 'rule'; readonly action: 'delete'; readonly before: RegexRuleRecord };

/** The author apply writes on what it manages, per owner (`mlgate apply --owner`). */
export function applyAuthor(owner: string): string {
  return `mlgate:apply:${owner}`;
}

const key = (...parts: string[]): string => JSON.stringify(parts);
const grantKeyOf = (g: { resourceType: string; resourceId: string; principalType: string; principal: string }) =>
  key(g.resourceType, g.resourceId, g.principalType, g.principal);
const ruleKeyOf = (r: { resourceType: string; principalType: string; principal: string; pattern: string }) =>
  key(r.resourceType, r.principalType, r.principal, r.pattern);

/** The changes in the order they are applied: creations and updates first, then deletions (rules, grants, groups). */
export function planChanges(desired: Desired, current: Current, author: string): Change[] {
  const changes: Change[] = [];
  const deletions: Change[] = [];

  const groups = new Map(current.groups.map((g) => [g.name, g]));
  const declaredGroups = new Set(desired.groups.map((g) => g.name));
  for (const group of desired.groups) {
    const before = groups.get(group.name);
    if (before === undefined) {
      changes.push({ kind: 'group', action: 'create', group });
    } else if (
      before.description !== group.description ||
      before.creatorPermission !== group.creatorPermission ||
      before.createdBy !== author
    ) {
      changes.push({ kind: 'group', action: 'update', group, before });
    }
  }

  const grants = new Map(current.grants.map((g) => [grantKeyOf(g), g]));
  const declaredGrants = new Set(desired.grants.map(grantKeyOf));
  for (const grant of desired.grants) {
    const before = grants.get(grantKeyOf(grant));
    if (before === undefined) {
      changes.push({ kind: 'grant', action: 'create', grant });
    } else if (before.permission !== grant.permission || before.createdBy !== author) {
      changes.push({ kind: 'grant', action: 'update', grant, before });
    }
  }

  const rules = new Map(current.rules.map((r) => [ruleKeyOf(r), r]));
  const declaredRules = new Set(desired.rules.map(ruleKeyOf));
  for (const rule of desired.rules) {
    const before = rules.get(ruleKeyOf(rule));
    if (before === undefined) {
      changes.push({ kind: 'rule', action: 'create', rule });
    } else if (
      before.priority !== rule.priority ||
      before.permission !== rule.permission ||
      before.createdBy !== author
    ) {
      changes.push({ kind: 'rule', action: 'update', rule, before });
    }
  }

  for (const before of current.rules) {
    if (before.createdBy === author && !declaredRules.has(ruleKeyOf(before))) {
      deletions.push({ kind: 'rule', action: 'delete', before });
    }
  }
  for (const before of current.grants) {
    if (before.createdBy === author && !declaredGrants.has(grantKeyOf(before))) {
      deletions.push({ kind: 'grant', action: 'delete', before });
    }
  }
  for (const before of current.groups) {
    if (before.createdBy === author && !declaredGroups.has(before.name)) {
      deletions.push({ kind: 'group', action: 'delete', before });
    }
  }
  return [...changes, ...deletions];
}

function resourceLabel(type: ResourceType, id: string): string {
  return type === 'experiment' ? `experiment ${id}` : `${type} ${JSON.stringify(id)}`;
}

/** The rules the store would hold once `changes` are applied (pure): what the limits are checked on. */
export function rulesAfter(
  current: readonly RegexRuleRecord[],
  changes: readonly Change[],
): Pick<RegexRuleRecord, 'resourceType' | 'principalType' | 'principal' | 'pattern'>[] {
  const after = new Map<string, Pick<RegexRuleRecord, 'resourceType' | 'principalType' | 'principal' | 'pattern'>>(
    current.map((r) => [ruleKeyOf(r), r]),
  );
  for (const change of changes) {
    if (change.kind !== 'rule') continue;
    if (change.action === 'delete') after.delete(ruleKeyOf(change.before));
    else after.set(ruleKeyOf(change.rule), change.rule);
  }
  return [...after.values()];
}

/** The principals whose rules of a type are over the limits, described (pure). */
export function rulesOverLimit(
  rules: readonly Pick<RegexRuleRecord, 'resourceType' | 'principalType' | 'principal' | 'pattern'>[],
  limits: RuleLimits,
): string[] {
  const byPrincipal = new Map<string, string[]>();
  for (const rule of rules) {
    const key = `${rule.principalType} ${rule.principal} on ${rule.resourceType} names`;
    byPrincipal.set(key, [...(byPrincipal.get(key) ?? []), rule.pattern]);
  }
  return [...byPrincipal].flatMap(([who, patterns]) => {
    const problem = ruleLimitProblem(patterns, limits);
    return problem === null ? [] : [`${who} with ${problem}`];
  });
}

const SIGN = { create: '+', update: '~', delete: '-' } as const;

/** One line per change, as `--dry-run` prints it. */
export function describeChange(change: Change, author: string): string {
  const taken = (createdBy: string): string => (createdBy === author ? '' : `  (taken over from ${createdBy})`);
  const sign = SIGN[change.action];
  switch (change.kind) {
    case 'group': {
      if (change.action === 'delete') {
        return `${sign} group ${change.before.name}`;
      }
      const creator = change.group.creatorPermission ?? 'none';
      if (change.action === 'create') {
        return `${sign} group ${change.group.name}  creator permission ${creator}`;
      }
      const was = change.before.creatorPermission ?? 'none';
      const parts = [
        ...(was === creator ? [] : [`creator permission ${was} -> ${creator}`]),
        ...(change.before.description === change.group.description
          ? []
          : [
              `description ${JSON.stringify(change.before.description)} -> ${JSON.stringify(change.group.description)}`,
            ]),
      ];
      return `${sign} group ${change.group.name}  ${parts.join('  ')}${taken(change.before.createdBy)}`.trimEnd();
    }
    case 'grant': {
      const g = change.action === 'delete' ? change.before : change.grant;
      const what = `${sign} grant ${resourceLabel(g.resourceType, g.resourceId)}  ${g.principalType} ${g.principal}`;
      if (change.action === 'update') {
        const level =
          change.before.permission === change.grant.permission
            ? change.grant.permission
            : `${change.before.permission} -> ${change.grant.permission}`;
        return `${what}  ${level}${taken(change.before.createdBy)}`;
      }
      return `${what}  ${g.permission}`;
    }
    case 'rule': {
      const r = change.action === 'delete' ? change.before : change.rule;
      const on = r.resourceType === 'experiment' ? '' : `  on ${r.resourceType} names`;
      const what = `${sign} rule ${r.principalType} ${r.principal}  ${JSON.stringify(r.pattern)}${on}`;
      if (change.action === 'update') {
        const from = `priority ${change.before.priority} ${change.before.permission}`;
        const to = `priority ${change.rule.priority} ${change.rule.permission}`;
        return `${what}  ${from === to ? to : `${from} -> ${to}`}${taken(change.before.createdBy)}`;
      }
      return `${what}  priority ${r.priority} ${r.permission}`;
    }
  }
}
