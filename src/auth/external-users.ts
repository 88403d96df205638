/**
 * Users named by an identity mlgate did not issue (a provider's JWT, a trusted proxy's header). The store's
 * record is read through a bounded cache (cache.ttl_ms); an unknown user is created on first use when the
 * authenticator is configured to provision, with no groups and no admin flag: administrators and stored groups
 * are still managed with the CLI, and groups the identity itself carries (trusted group claims, the proxy's
 * groups header) count for the request that carries them.
 */
import { MlgateError } from '../errors.js';
import type { UserRecord, UserRepository } from '../store/types.js';
import { BoundedCache } from '../util/bounded-cache.js';

export interface ExternalUsers {
  /** The user's record, created first when provisioning is on; null when unknown and not provisioned. */
  find(username: string): Promise<UserRecord | null>;
}

export function createExternalUsers(deps: {
  readonly users: UserRepository;
  readonly provision: boolean;
  readonly ttlMs: number;
  readonly maxEntries: number;
}): ExternalUsers {
  const cache = new BoundedCache<string, UserRecord | null>({ ttlMs: deps.ttlMs, maxEntries: deps.maxEntries });
  const load = async (username: string): Promise<UserRecord | null> => {
    const existing = await deps.users.get(username);
    if (existing !== null || !deps.provision) {
      return existing;
    }
    try {
      return await deps.users.create({ username, isAdmin: false, groups: [] });
    } catch (error) {
      // Another request (or replica) created it first.
      if (error instanceof MlgateError && error.code === 'MLGATE_CONFLICT') {
        return deps.users.get(username);
      }
      throw error;
    }
  };
  return {
    find: (username) =>
      cache.getOrLoad(
        username,
        () => load(username),
        (user) => user !== null,
      ),
  };
}
