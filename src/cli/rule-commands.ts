/**
 * `mlgate rule add|list|remove`: regex rules (issue 8) in the store. A pattern is checked by the policy engine's
 * own regex engine before it is stored (src/policy/patterns.ts); the values are read as the API reads them
 * (src/permissions/input.ts), and a rule is added as the API adds one (src/permissions/changes.ts).
 */
import { MlgateError } from '../errors.js';
import { addRegexRule } from '../permissions/changes.js';
import {
  CLI_INPUT,
  parseLevel,
  parsePrincipal,
  parsePriority,
  parseResourceType,
  requirePattern,
} from '../permissions/input.js';
import { ruleJson } from '../permissions/records.js';
import type { PatternChecker } from '../policy/patterns.js';
import type { RuleLimits } from '../policy/rule-limits.js';
import type { RegexRuleRecord, Store } from '../store/types.js';
import type { Output } from './admin-commands.js';

function describeRule(rule: RegexRuleRecord): string {
  return (
    `${rule.id}  ${rule.principalType} ${rule.principal}  ${rule.resourceType} name ~ ${JSON.stringify(rule.pattern)}` +
    `  priority ${rule.priority}  ${rule.permission}`
  );
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
  const { principalType, principal } = parsePrincipal(args, CLI_INPUT);
  const resourceType = parseResourceType(
    args.type ?? 'experiment',
    CLI_INPUT,
    "the names a rule's pattern is matched against",
  );
  const pattern = requirePattern(args.pattern, CLI_INPUT);
  const rule = await addRegexRule(
    { store, patterns, limits },
    {
      resourceType,
      principalType,
      principal,
      pattern,
      priority: parsePriority(args.priority, CLI_INPUT),
      permission: parseLevel(args.permission, CLI_INPUT),
      createdBy: 'cli',
    },
  );
  return { data: ruleJson(rule), lines: [`Added regex rule ${describeRule(rule)}`] };
}

export async function listRules(store: Store): Promise<Output> {
  const rules = await store.regexRules.list();
  return { data: rules.map(ruleJson), lines: rules.map(describeRule) };
}

export async function removeRule(store: Store, args: { id: string | undefined }): Promise<Output> {
  if (args.id === undefined) {
    throw CLI_INPUT.invalid('A rule id is required (see mlgate rule list).');
  }
  if (!(await store.regexRules.remove(args.id))) {
    throw new MlgateError('MLGATE_NO_SUCH_OBJECT', `There is no regex rule ${args.id} (see mlgate rule list).`);
  }
  return { data: { removed: args.id }, lines: [`Removed regex rule ${args.id}.`] };
}
