/** `mlgate explain`'s human-readable answer (pure). */
import { resourceKind } from '../mlflow/resources/index.js';
import type { DecidedBy, ExplainedGrant } from './describe.js';
import type { Explanation } from './explain.js';

export function renderExplanation(
  explanation: Explanation,
  context: { readonly policySource: string; readonly dataVersion: string },
): string[] {
  const { principal, request, route } = explanation;
  const lines: string[] = [];
  lines.push(`Request:     ${request.method} ${request.path}${request.query === '' ? '' : `?${request.query}`}`);
  const groups = principal.groups.length === 0 ? 'no groups' : `groups: ${principal.groups.join(', ')}`;
  lines.push(
    principal.hypothetical
      ? `Principal:   a member of ${principal.groups.join(', ') || 'no group'} (hypothetical; no user grant or user rule applies)`
      : `Principal:   ${principal.username} (${groups})`,
  );
  if (principal.admin.length > 0) {
    lines.push(`             an administrator (${principal.admin.map(adminGround).join(', ')})`);
  }
  lines.push(
    route === null
      ? `Operation:   none: ${request.method} ${request.path} is not in the route catalogue, so only administrators ` +
          'may call it (MLGATE_ROUTE_UNKNOWN)'
      : `Operation:   ${route.operation}`,
  );
  lines.push(
    `Policy:      revision ${explanation.policy_revision || '(none)'} from ${context.policySource}; ` +
      `permission data version ${context.dataVersion || '(none)'}`,
  );
  if (explanation.targets.length > 0) {
    lines.push('Targets:');
    for (const target of explanation.targets) {
      const named = resourceKind(target.via).describe(target.ref);
      lines.push(
        target.exists
          ? `  ${target.type} ${target.id}${target.name === undefined ? '' : ` ${JSON.stringify(target.name)}`}, ` +
              `from ${named}${target.permission === undefined ? '' : ` (needs ${target.permission} there)`}`
          : `  ${named}: does not exist`,
      );
    }
  } else if (route !== null) {
    lines.push('Targets:     none');
  }
  if (explanation.checks.length > 0) {
    lines.push('Checks:');
    for (const check of explanation.checks) {
      lines.push(
        `  ${check.type} ${check.id}: needs ${check.required}, has ${check.permission} from ${check.source}` +
          ` -> ${check.satisfied ? 'satisfied' : 'NOT satisfied'}`,
      );
      lines.push(`    decided by ${decidedBy(check.decided_by)}`);
    }
  } else if (principal.admin.length > 0 && explanation.decision.reasons.includes('admin')) {
    lines.push('Checks:      none: administrators are not bound by grants or rules');
  }
  lines.push(`Decision:    ${explanation.allowed ? 'ALLOW' : 'DENY'}`);
  lines.push(`Reasons:     ${explanation.decision.reasons.join(', ')}`);
  const obligations = explanation.decision.obligations.map((o) =>
    o.type === 'grant-creator'
      ? `grant-creator (${o.permission})`
      : o.type === 'grant-group'
        ? `grant-group (${o.group}: ${o.permission})`
        : o.type,
  );
  lines.push(`Obligations: ${obligations.length === 0 ? 'none' : obligations.join(', ')}`);
  if (explanation.refusal !== null) {
    const { status, code, message } = explanation.refusal;
    lines.push(`Answer:      ${status} ${code}: ${message}`);
  }
  if (explanation.graphql) {
    lines.push('Note:        each root field of a GraphQL request is then decided on its own; not explained here');
  }
  return lines;
}

function adminGround(ground: string): string {
  return ground === 'flag' ? "the store's admin flag" : `member of admin group ${ground.slice('group:'.length)}`;
}

function grant(value: ExplainedGrant): string {
  return `${value.principal_type} ${value.principal}: ${value.permission}`;
}

function decidedBy(value: DecidedBy): string {
  if ('other' in value) {
    return `the policy's own source ${JSON.stringify(value.source)}`;
  }
  switch (value.source) {
    case 'user':
      return `the user's own grant (${grant(value.grant)})`;
    case 'group': {
      const deciding = value.grant === null ? 'a group grant' : `the grant of group ${value.grant.principal}`;
      const all = value.group_grants.map(grant).join(', ');
      return `${deciding} (${value.grant?.permission ?? '?'}), the highest of the groups' grants [${all}]`;
    }
    case 'regex':
    case 'group-regex': {
      const rule = value.rule;
      if (rule === null) {
        return `regex rule ${value.rule_id ?? '(no id)'}, not among the loaded rules`;
      }
      return (
        `regex rule ${rule.id} of ${rule.principal_type} ${rule.principal}: pattern ${JSON.stringify(rule.pattern)}, ` +
        `priority ${rule.priority}, ${rule.permission}`
      );
    }
    case 'default':
      return `the default (permissions.default: ${value.default_permission}): no grant or rule answered`;
  }
}
