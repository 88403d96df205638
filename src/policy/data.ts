/** The policy's runtime data document, built from the configuration (pure). */
import type { Config } from '../config/schema.js';
import type { GroupRecord, RegexRuleFields } from '../store/types.js';
import { type RuleLimits, ruleLimitProblem } from './rule-limits.js';

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
      creators: {
        experiment: config.permissions.experiment_creators,
        // The model registry and prompts (h/registry).
        registered_model: config.permissions.registered_model_creators,
        prompt: config.permissions.prompt_creators,
        // The AI gateway and MCP servers (their policy's creates types).
        gateway_endpoint: config.permissions.gateway_endpoint_creators,
        mcp_server: config.permissions.mcp_server_creators,
      },
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

/** Highest priority number a rule can be written with (mlgate rule add, mlgate apply). */
const MAX_RULE_PRIORITY = 1_000_000;

/**
 * Why a stored rule cannot be matched as written, or null. The CLI and apply only write rules that can, but a
 * document edited in MongoDB by hand can hold anything: a pattern the policy cannot compile, or fields of the wrong
 * type (a priority "1" or NaN would sort after every numeric priority in Rego, so a deny rule would silently stop
 * denying).
 */
export function ruleProblem(rule: RegexRuleFields, isValid: (pattern: string) => boolean): string | null {
  const stored = rule as unknown as Record<string, unknown>;
  if (!placeable(rule)) return 'it names no resource type, user or group (it is left out)';
  if (typeof stored['pattern'] !== 'string') return 'its pattern is not a string';
  if (!isPriority(stored['priority'])) return `its priority is not an integer from 0 to ${MAX_RULE_PRIORITY}`;
  if (typeof stored['permission'] !== 'string') return 'its permission is not a string';
  if (!isValid(rule.pattern)) return 'the policy cannot compile its pattern';
  return null;
}

function isPriority(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_RULE_PRIORITY;
}

/** True when a stored rule names whom it applies to (a resource type, user or group, and a name). */
export function placeable(rule: RegexRuleFields): boolean {
  const stored = rule as unknown as Record<string, unknown>;
  return (
    typeof stored['resourceType'] === 'string' &&
    (stored['principalType'] === 'user' || stored['principalType'] === 'group') &&
    typeof stored['principal'] === 'string'
  );
}

/**
 * The regex rules as policy data: by resource type, principal type and principal, each list ordered by priority
 * then id, so the policy only looks at the caller's rules and their groups'. A rule with a problem (ruleProblem) is
 * loaded as invalid: the policy lets it match every resource and deny. When its priority itself is unusable it
 * gets priority 0, the strongest, so it denies whatever else matches. A rule that names no principal is left out
 * (it applies to nobody).
 */
export function rulesData(
  rules: readonly RegexRuleFields[],
  isValid: (pattern: string) => boolean,
  limits?: RuleLimits,
  onOverLimit?: (over: { readonly type: string; readonly principal: string; readonly problem: string }) => void,
): { readonly rules: PolicyRules } {
  const out: PolicyRules = Object.create(null) as PolicyRules;
  const loaded = rules.filter(placeable).map((rule) => {
    const problem = ruleProblem(rule, isValid);
    const stored = rule as unknown as Record<string, unknown>;
    return {
      rule,
      policyRule: {
        id: String(rule.id),
        pattern: typeof stored['pattern'] === 'string' ? rule.pattern : '',
        priority: isPriority(stored['priority']) ? rule.priority : 0,
        permission: typeof stored['permission'] === 'string' ? rule.permission : 'NO_PERMISSIONS',
        valid: problem === null,
      } satisfies PolicyRule,
    };
  });
  loaded.sort(
    (a, b) =>
      a.policyRule.priority - b.policyRule.priority ||
      (a.policyRule.id < b.policyRule.id ? -1 : a.policyRule.id > b.policyRule.id ? 1 : 0),
  );
  for (const { rule, policyRule } of loaded) {
    // Objects without a prototype: a principal named "__proto__" is a key like any other.
    const ofType = (out[rule.resourceType] ??= { user: emptyMap(), group: emptyMap() });
    (ofType[rule.principalType][rule.principal] ??= []).push(policyRule);
  }
  if (limits !== undefined) {
    for (const [type, ofType] of Object.entries(out)) {
      for (const principalType of ['user', 'group'] as const) {
        for (const [principal, list] of Object.entries(ofType[principalType])) {
          const problem = ruleLimitProblem(
            list.map((r) => r.pattern),
            limits,
          );
          if (problem !== null) {
            // One rule that matches every name and denies: over the limits, the principal's rules fail closed.
            ofType[principalType][principal] = [
              {
                id: `over-limit:${principalType}:${principal}`,
                pattern: '',
                priority: 0,
                permission: 'NO_PERMISSIONS',
                valid: false,
              },
            ];
            onOverLimit?.({ type, principal: `${principalType}:${principal}`, problem });
          }
        }
      }
    }
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
