/**
 * Carries out what an allowed decision obliges the gateway to do once MLflow has answered a creation successfully:
 * grant the creator, and each of the creator's groups the policy names, the permission it names on the new
 * resource. A new resource starts with no other grant: grants left on its id by a resource that was deleted for
 * good (MLflow may reuse the id) are removed first.
 */
import { PERMISSION_LEVELS, type PermissionLevel } from '../config/schema.js';
import { MlgateError } from '../errors.js';
import type { Logger } from '../logging.js';
import type { Obligation } from '../policy/decision.js';
import type { GrantSource } from '../store/grant-cache.js';
import type { GrantRepository, PrincipalType, ResourceType } from '../store/types.js';

export interface ObligationDeps {
  readonly grants: GrantRepository;
  readonly grantSource: GrantSource;
  readonly logger: Logger;
}

/** A grant a creation obliges: to the creator, or to one of their groups. */
export interface CreationGrant {
  readonly principalType: PrincipalType;
  readonly principal: string;
  readonly permission: PermissionLevel;
}

/** Store writes are retried this many times, after these pauses (ms), before the obligation fails. */
const RETRY_PAUSES_MS = [100, 400];

/** The grants the obligations of a creation by `username` ask for (pure); throws on a level the gateway does not know. */
export function creationGrants(obligations: readonly Obligation[], username: string): CreationGrant[] {
  const grants: CreationGrant[] = [];
  for (const obligation of obligations) {
    if (obligation.type === 'grant-creator') {
      grants.push({ principalType: 'user', principal: username, permission: knownLevel(obligation.permission) });
    } else if (obligation.type === 'grant-group') {
      grants.push({
        principalType: 'group',
        principal: obligation.group,
        permission: knownLevel(obligation.permission),
      });
    }
  }
  return grants;
}

function knownLevel(permission: string): PermissionLevel {
  if (!PERMISSION_LEVELS.includes(permission as PermissionLevel)) {
    throw new MlgateError('MLGATE_POLICY_ERROR', `The policy asked to grant an unknown permission "${permission}".`);
  }
  return permission as PermissionLevel;
}

export async function grantCreation(
  deps: ObligationDeps,
  grants: readonly CreationGrant[],
  created: { readonly type: ResourceType; readonly id: string },
): Promise<void> {
  try {
    await withRetries(async () => {
      await deps.grants.removeAllForResource(created.type, created.id);
      for (const grant of grants) {
        await deps.grants.put({
          resourceType: created.type,
          resourceId: created.id,
          principalType: grant.principalType,
          principal: grant.principal,
          permission: grant.permission,
          createdBy: grant.principalType === 'user' ? 'mlgate:creator' : 'mlgate:creator-group',
        });
      }
    });
  } finally {
    deps.grantSource.forgetResource(created.type, created.id);
  }
  for (const grant of grants) {
    deps.logger.info('creator granted', {
      [`${created.type}_id`]: created.id,
      [grant.principalType]: grant.principal,
      permission: grant.permission,
    });
  }
}

/** Runs a store write, retried after RETRY_PAUSES_MS on failure. */
export async function withRetries(run: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await run();
      return;
    } catch (error) {
      const pause = RETRY_PAUSES_MS[attempt];
      if (pause === undefined) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
