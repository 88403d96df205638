/** What the permission routes of the gateway's own API (grants, regex rules, groups) are built from. */
import type { PatternChecker } from '../../policy/patterns.js';
import type { RuleLimits } from '../../policy/rule-limits.js';
import type { Store } from '../../store/types.js';
import type { GatewayState } from '../state.js';
import type { ListTokens } from './list-pages.js';

export interface PermissionApiDeps {
  /** Every write bumps the permission version (src/store/), so the other replicas see it within the bound. */
  readonly store: Store;
  /** auth.admin_groups: members are administrators, as for the policy. */
  readonly adminGroups: readonly string[];
  /** Checks a regex rule's pattern with the policy's own regex engine. */
  readonly patterns: PatternChecker;
  /** permissions.max_rules_per_principal and max_rule_chars_per_principal. */
  readonly limits: RuleLimits;
  /** Page tokens of the listings (list-pages.ts). */
  readonly listTokens: ListTokens;
  /** Called after each change: this replica loads it at once (LiveData.refresh) instead of at its next poll. */
  readonly changed: () => Promise<void>;
}

/**
 * After a change is written: one log line saying who changed what (with the request id, an audit trail of the API's
 * changes), then this replica loads it (PermissionApiDeps.changed).
 */
export async function afterChange(
  deps: Pick<PermissionApiDeps, 'changed'>,
  state: Pick<GatewayState, 'logger' | 'principal'>,
  change: string,
  fields: Readonly<Record<string, unknown>>,
): Promise<void> {
  state.logger.info('permission change', { change, by: state.principal?.username ?? null, ...fields });
  await deps.changed();
}
