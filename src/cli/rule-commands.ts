/**
 * `mlgate rule add|list|remove`: regex rules (issue 8) in the store. A pattern is checked by the policy engine's
 * own regex engine before it is stored (src/policy/patterns.ts).
 */
import { PERMISSION_LEVELS, type PermissionLevel } from '../config/schema.js';
import { MlgateError } from '../errors.js';
import { CARRIER_TYPES, type CarrierType } from '../mlflow/resources/kind.js';
import type { PatternChecker } from '../policy/patterns.js';
import { type RuleLimits, ruleLimitProblem } from '../policy/rule-limits.js';
import type { RegexRuleRecord, Store } from '../store/types.js';
import { type Output, principalOf } from './admin-commands.js';

/** Priorities are small integers: the lowest number that matches decides. */
export const MAX_PRIORITY = 1_000_000;

function usage(message: string): MlgateError {
  return new MlgateError('MLGATE_USAGE', `${message} Run "mlgate help" for usage.`);
}

function describeRule(rule: RegexRuleRecord): string {
  return (
    `${rule.id}  ${rule.principalType} ${rule.principal}  ${rule.resourceType} name ~ ${JSON.stringify(rule.pattern)}` +
    `  priority ${rule.priority}  ${rule.permission}`
  );
}

function ruleData(rule: RegexRuleRecord): Record<string, unknown> {
  return {
    id: rule.id,
    resource_type: rule.resourceType,
    principal_type: rule.principalType,
    principal: rule.principal,
    pattern: rule.pattern,
    priority: rule.priority,
    permission: rule.permission,
    created_at: rule.createdAt.toISOString(),
    created_by: rule.createdBy,
  };
}

export async function addRule(
  store: Store,
  patterns: PatternChecker,
  limits: RuleLimits,
  args: {
    user: string | undefined;
    group: string | undefined;
    pattern: string | undefined;
    priority: string | undefined;
    permission: string | undefined;
    type?: string | undefined;
  },
): Promise<Output> {
  const { principalType, principal } = principalOf(args);
  const resourceType = (args.type ?? 'experiment').replaceAll('-', '_');
  if (!CARRIER_TYPES.includes(resourceType as CarrierType)) {
    throw usage(`--type must be one of ${CARRIER_TYPES.join(', ')} (the names a rule's pattern is matched against).`);
  }
  if (args.pattern === undefined) {
    throw usage('--pattern <regex> is required (RE2 syntax, matched against the whole experiment name).');
  }
  patterns.check(args.pattern);
  const priority = Number(args.priority ?? '');
  if (args.priority === undefined || !/^[0-9]+$/.test(args.priority) || priority > MAX_PRIORITY) {
    throw usage(
      `--priority <n> is required: an integer from 0 to ${MAX_PRIORITY} (the lowest number that matches decides).`,
    );
  }
  const permission = args.permission?.toUpperCase();
  if (permission === undefined || !PERMISSION_LEVELS.includes(permission as PermissionLevel)) {
    throw usage(`--permission must be one of ${PERMISSION_LEVELS.join(', ')} (NO_PERMISSIONS denies).`);
  }
  const theirs = (await store.regexRules.list()).filter(
    (r) => r.resourceType === resourceType && r.principalType === principalType && r.principal === principal,
  );
  const problem = ruleLimitProblem([...theirs.map((r) => r.pattern), args.pattern], limits);
  if (problem !== null) {
    throw new MlgateError(
      'MLGATE_RULE_LIMIT',
      `${principalType} ${principal} would have ${problem} on ${resourceType} names. Combine patterns ` +
        '(one alternation instead of several rules) or remove rules (mlgate rule list, mlgate rule remove).',
    );
  }
  const rule = await store.regexRules.add({
    resourceType: resourceType as CarrierType,
    principalType,
    principal,
    pattern: args.pattern,
    priority,
    permission: permission as PermissionLevel,
    createdBy: 'cli',
  });
  return { data: ruleData(rule), lines: [`Added regex rule ${describeRule(rule)}`] };
}

export async function listRules(store: Store): Promise<Output> {
  const rules = await store.regexRules.list();
  return { data: rules.map(ruleData), lines: rules.map(describeRule) };
}

export async function removeRule(store: Store, args: { id: string | undefined }): Promise<Output> {
  if (args.id === undefined) {
    throw usage('A rule id is required (see mlgate rule list).');
  }
  if (!(await store.regexRules.remove(args.id))) {
    throw new MlgateError('MLGATE_NO_SUCH_OBJECT', `There is no regex rule ${args.id} (see mlgate rule list).`);
  }
  return { data: { removed: args.id }, lines: [`Removed regex rule ${args.id}.`] };
}
