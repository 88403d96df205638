/**
 * What decided each check of a decision (pure): the policy names the source (and, for a group, the group; for a
 * regex source, the rule's id); this looks up the grant or rule itself in the data the decision was made from.
 */
import type { TargetCheck } from '../policy/decision.js';
import { grantsKey } from '../policy/input.js';
import type { RegexRuleRecord, ResourceGrants } from '../store/types.js';

/** A grant as explained: whose it is and what it gives. */
export interface ExplainedGrant {
  readonly principal_type: 'user' | 'group';
  readonly principal: string;
  readonly permission: string;
}

/** A regex rule as explained (found by the id the policy named). */
export interface ExplainedRule {
  readonly id: string;
  readonly principal_type: 'user' | 'group';
  readonly principal: string;
  readonly pattern: string;
  readonly priority: number;
  readonly permission: string;
}

/** What exactly gave a check its permission. */
export type DecidedBy =
  | { readonly source: 'user'; readonly grant: ExplainedGrant }
  | {
      readonly source: 'group';
      /** The deciding group's grant (the highest; the first group by name on a tie). */
      readonly grant: ExplainedGrant | null;
      /** Every grant of the principal's groups on the resource, the deciding one among them. */
      readonly group_grants: readonly ExplainedGrant[];
    }
  | {
      readonly source: 'regex' | 'group-regex';
      /** The rule, or null when the id the policy named is not among the loaded rules (a custom policy). */
      readonly rule: ExplainedRule | null;
      readonly rule_id: string | null;
    }
  | { readonly source: 'default'; readonly default_permission: string }
  /** A source a custom policy added: named as the policy named it. */
  | { readonly source: string; readonly other: true };

export interface ExplainedCheck extends TargetCheck {
  readonly decided_by: DecidedBy;
}

export function describeChecks(
  checks: readonly TargetCheck[],
  context: {
    readonly username: string;
    readonly grants: ReadonlyMap<string, ResourceGrants>;
    readonly rules: readonly RegexRuleRecord[];
    /** The configured default permission (permissions.default). */
    readonly defaultPermission: string;
  },
): ExplainedCheck[] {
  const rulesById = new Map(context.rules.map((rule) => [rule.id, rule]));
  return checks.map((check) => ({ ...check, decided_by: decidedBy(check, context, rulesById) }));
}

function decidedBy(
  check: TargetCheck,
  context: Parameters<typeof describeChecks>[1],
  rulesById: ReadonlyMap<string, RegexRuleRecord>,
): DecidedBy {
  const grants = context.grants.get(grantsKey(check.type, check.id));
  switch (check.source) {
    case 'user':
      return {
        source: 'user',
        grant: { principal_type: 'user', principal: context.username, permission: grants?.user ?? check.permission },
      };
    case 'group': {
      const groupGrants = Object.entries(grants?.groups ?? {})
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([group, permission]): ExplainedGrant => ({ principal_type: 'group', principal: group, permission }));
      return {
        source: 'group',
        grant: groupGrants.find((grant) => grant.principal === check.group) ?? null,
        group_grants: groupGrants,
      };
    }
    case 'regex':
    case 'group-regex': {
      const rule = check.rule === undefined ? undefined : rulesById.get(check.rule);
      return {
        source: check.source,
        rule_id: check.rule ?? null,
        rule:
          rule === undefined
            ? null
            : {
                id: rule.id,
                principal_type: rule.principalType,
                principal: rule.principal,
                pattern: rule.pattern,
                priority: rule.priority,
                permission: rule.permission,
              },
      };
    }
    case 'default':
      return { source: 'default', default_permission: context.defaultPermission };
    default:
      return { source: check.source, other: true };
  }
}

/** Why a principal is an administrator: the store's flag, or the admin groups they are in (empty: not one). */
export function adminGrounds(
  principal: { readonly isAdmin: boolean; readonly groups: readonly string[] },
  adminGroups: readonly string[],
): string[] {
  return [
    ...(principal.isAdmin ? ['flag'] : []),
    ...principal.groups.filter((group) => adminGroups.includes(group)).map((group) => `group:${group}`),
  ];
}
