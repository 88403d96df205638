/**
 * Verifies a username + access token against the store, through a bounded
 * cache (cache.ttl_ms bounds how long a revoked token keeps working on a
 * replica that has just used it).
 */
import type { TokenRecord, TokenRepository, UserRecord, UserRepository } from '../store/types.js';
import { BoundedCache } from '../util/bounded-cache.js';
import { effectiveGroups } from './effective-groups.js';
import type { Principal } from './principal.js';
import { hashToken } from './tokens.js';
import { normalizeUsername } from './usernames.js';

export type VerifyResult =
  { readonly kind: 'ok'; readonly principal: Principal } | { readonly kind: 'invalid' } | { readonly kind: 'expired' };

export interface CredentialVerifier {
  verify(username: string, token: string, now: Date): Promise<VerifyResult>;
}

export function createCredentialVerifier(deps: {
  readonly tokens: TokenRepository;
  readonly users: UserRepository;
  readonly ttlMs: number;
  readonly maxEntries: number;
}): CredentialVerifier {
  // Entries are stored on a miss only, so a user who keeps calling is still re-read every ttlMs.
  const tokenCache = new BoundedCache<string, TokenRecord | null>({ ttlMs: deps.ttlMs, maxEntries: deps.maxEntries });
  const userCache = new BoundedCache<string, UserRecord | null>({ ttlMs: deps.ttlMs, maxEntries: deps.maxEntries });
  const found = (value: unknown): boolean => value !== null;

  return {
    async verify(username, token, now) {
      const hash = hashToken(token);
      const record = await tokenCache.getOrLoad(hash, () => deps.tokens.findByHash(hash), found);
      if (record === null || record.username !== normalizeUsername(username)) {
        return { kind: 'invalid' };
      }
      if (record.expiresAt !== null && record.expiresAt.getTime() <= now.getTime()) {
        return { kind: 'expired' };
      }
      const user = await userCache.getOrLoad(record.username, () => deps.users.get(record.username), found);
      if (user === null) {
        return { kind: 'invalid' };
      }
      return {
        kind: 'ok',
        principal: {
          authenticated: true,
          username: user.username,
          isAdmin: user.isAdmin,
          groups: effectiveGroups(user),
          method: 'basic',
          credentialId: record.id,
        },
      };
    },
  };
}
