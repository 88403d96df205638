/**
 * Carries out what an allowed decision obliges the gateway to do once MLflow
 * has answered successfully: today, granting the creator of an experiment the
 * permission the policy names. A new experiment starts with no other grant:
 * grants left on its id by an experiment that was deleted for good (MLflow
 * may reuse the id) are removed first.
 */
import { PERMISSION_LEVELS, type PermissionLevel } from '../config/schema.js';
import { MlgateError } from '../errors.js';
import type { Logger } from '../logging.js';
import type { Obligation } from '../policy/decision.js';
import type { GrantSource } from '../store/grant-cache.js';
import type { GrantRepository } from '../store/types.js';

export interface ObligationDeps {
  readonly grants: GrantRepository;
  readonly grantSource: GrantSource;
  readonly logger: Logger;
}

/** Store writes are retried this many times, after these pauses (ms), before the obligation fails. */
const RETRY_PAUSES_MS = [100, 400];

export async function grantCreator(
  deps: ObligationDeps,
  obligations: readonly (Obligation & { readonly type: 'grant-creator' })[],
  created: { readonly type: 'experiment'; readonly id: string },
  username: string,
): Promise<void> {
  for (const obligation of obligations) {
    const permission = obligation.permission as PermissionLevel;
    if (!PERMISSION_LEVELS.includes(permission)) {
      throw new MlgateError(
        'MLGATE_POLICY_ERROR',
        `The policy asked to grant an unknown permission "${obligation.permission}".`,
      );
    }
    try {
      await withRetries(async () => {
        await deps.grants.removeAllForResource(created.type, created.id);
        await deps.grants.put({
          resourceType: created.type,
          resourceId: created.id,
          principalType: 'user',
          principal: username,
          permission,
          createdBy: 'mlgate:creator',
        });
      });
    } finally {
      deps.grantSource.forgetResource(created.type, created.id);
    }
    deps.logger.info('creator granted', { experiment_id: created.id, user: username, permission });
  }
}

async function withRetries(run: () => Promise<void>): Promise<void> {
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
