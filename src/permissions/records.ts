/**
 * Grants, regex rules and groups as JSON (snake_case): what `mlgate … --json` prints and what the gateway's API
 * answers (pure).
 */
import type { GrantRecord, GroupRecord, RegexRuleRecord } from '../store/types.js';

export function grantJson(grant: GrantRecord): Record<string, unknown> {
  return {
    resource_type: grant.resourceType,
    resource_id: grant.resourceId,
    principal_type: grant.principalType,
    principal: grant.principal,
    permission: grant.permission,
    created_at: grant.createdAt.toISOString(),
    created_by: grant.createdBy,
  };
}

export function ruleJson(rule: RegexRuleRecord): Record<string, unknown> {
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

export function groupJson(group: GroupRecord): Record<string, unknown> {
  return {
    name: group.name,
    description: group.description,
    creator_permission: group.creatorPermission,
    created_at: group.createdAt.toISOString(),
    created_by: group.createdBy,
  };
}
