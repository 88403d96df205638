/** The policy's runtime data document, built from the configuration (pure). */
import type { Config } from '../config/schema.js';
import type { GroupRecord, RegexRuleRecord } from '../store/types.js';

export interface RuntimeData {
  readonly config: {
    readonly default_permission: string;
    readonly admin_groups: readonly string[];
    /** Each ends in "/", so a root never matches a sibling with a longer name. */
    readonly artifact_roots: readonly string[];
    readonly unreadable_search_targets: 'drop' | 'refuse';
    readonly source_order: readonly string[];
    /** Who may create each resource type: groups (empty: any authenticated user). */
    readonly creators: Readonly<Record<string, readonly string[]>>;
    /** Who may use the MLflow assistant (h/gateway). */
    readonly assistant_access: 'admin' | 'authenticated';
  };
}

export function runtimeData(config: Config): RuntimeData {
  return {
    config: {
      default_permission: config.permissions.default,
      admin_groups: config.auth.admin_groups,
      unreadable_search_targets: config.permissions.unreadable_search_targets,
      source_order: config.permissions.source_order,
      creators: { experiment: config.permissions.experiment_creators },
      artifact_roots: config.artifacts.allowed_roots.map((root) => (root.endsWith('/') ? root : root + '/')),
      assistant_access: config.permissions.assistant_access,
    },
  };
}

/** A regex rule as the policy reads it (data.rules.<type>.<user|group>.<name>). */
export interface PolicyRule {
  readonly id: string;
  readonly pattern: string;
  readonly priority: number;
  readonly permission: string;
  /** False when the policy engine cannot compile the pattern: the policy then lets the rule deny everything. */
  readonly valid: boolean;
}

export type PolicyRules = Record<string, Record<'user' | 'group', Record<string, PolicyRule[]>>>;

/**
 * The regex rules as policy data: by resource type, principal type and principal, each list ordered by priority
 * then id, so the policy only looks at the rules of the caller and their groups.
 */
export function rulesData(
  rules: readonly RegexRuleRecord[],
  isValid: (pattern: string) => boolean,
): { readonly rules: PolicyRules } {
  const out: PolicyRules = Object.create(null) as PolicyRules;
  const sorted = [...rules].sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const rule of sorted) {
    // Objects without a prototype: a principal named "__proto__" is a key like any other.
    const ofType = (out[rule.resourceType] ??= { user: emptyMap(), group: emptyMap() });
    (ofType[rule.principalType][rule.principal] ??= []).push({
      id: rule.id,
      pattern: rule.pattern,
      priority: rule.priority,
      permission: rule.permission,
      valid: isValid(rule.pattern),
    });
  }
  return { rules: out };
}

function emptyMap(): Record<string, PolicyRule[]> {
  return Object.create(null) as Record<string, PolicyRule[]>;
}

/** A defined group's settings as the policy reads them (data.groups.<name>). */
export interface PolicyGroup {
  /** What the group is granted on what its members create; absent for nothing. */
  readonly creator_permission?: string;
}

/** The defined groups as policy data, by name (objects without a prototype, like the rules). */
export function groupsData(groups: readonly GroupRecord[]): { readonly groups: Record<string, PolicyGroup> } {
  const out = Object.create(null) as Record<string, PolicyGroup>;
  for (const group of groups) {
    out[group.name] = group.creatorPermission === null ? {} : { creator_permission: group.creatorPermission };
  }
  return { groups: out };
}
