/**
 * Carries out what an allowed decision obliges the gateway to do once MLflow
 * has answered successfully: today, granting the creator of an experiment the
 * permission the policy names.
 */
import type { PermissionLevel } from '../config/schema.js';
import { MlgateError } from '../errors.js';
import type { Logger } from '../logging.js';
import type { Obligation } from '../policy/decision.js';
import type { GrantSource } from '../store/grant-cache.js';
import type { GrantRepository } from '../store/types.js';
import { PERMISSION_LEVELS } from '../config/schema.js';

export interface ObligationDeps {
  readonly grants: GrantRepository;
  readonly grantSource: GrantSource;
  readonly logger: Logger;
}

export async function grantCreator(
  deps: ObligationDeps,
  obligations: readonly Obligation[],
  created: { readonly type: 'experiment'; readonly id: string },
  username: string,
): Promise<void> {
  for (const obligation of obligations) {
    if (obligation.type !== 'grant-creator') {
      continue;
    }
    const permission = obligation.permission as PermissionLevel;
    if (!PERMISSION_LEVELS.includes(permission)) {
      throw new MlgateError(
        'MLGATE_POLICY_ERROR',
        `The policy asked to grant an unknown permission "${obligation.permission}".`,
      );
    }
    try {
      await deps.grants.put({
        resourceType: created.type,
        resourceId: created.id,
        principalType: 'user',
        principal: username,
        permission,
        createdBy: 'mlgate:creator',
      });
    } catch (error) {
      throw new MlgateError(
        'MLGATE_STORE_UNAVAILABLE',
        `Experiment ${created.id} was created, but granting you ${permission} on it failed. Ask an administrator to run: ` +
          `mlgate grant --experiment ${created.id} --user ${username} --permission ${permission}`,
        { cause: error, details: { experiment_id: created.id } },
      );
    } finally {
      deps.grantSource.forgetResource(created.type, created.id);
    }
    deps.logger.info('creator granted', { experiment_id: created.id, user: username, permission });
  }
}
