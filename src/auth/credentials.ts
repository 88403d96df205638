/**
 * Verifies a username + access token against the store, through a bounded
 * cache (cache.ttl_ms bounds how long a revoked token keeps working on a
 * replica that has just used it).
 */
import type { TokenRecord, TokenRepository, UserRecord, UserRepository } from '../store/types.js';
import { BoundedCache } from '../util/bounded-cache.js';
import type { Principal } from './principal.js';
import { hashToken } from './tokens.js';
import { normalizeUsername } from './usernames.js';

export type VerifyResult =
  { readonly kind: 'ok'; readonly principal: Principal } | { readonly kind: 'invalid' } | { readonly kind: 'expired' };

export interface CredentialVerifier {
  verify(username: string, token: string, now: Date): Promise<VerifyResult>;
  /** Forget cached entries of a user (after local writes). */
  forgetUser(username: string): void;
}

export function createCredentialVerifier(deps: {
  readonly tokens: TokenRepository;
  readonly users: UserRepository;
  readonly ttlMs: number;
  readonly maxEntries: number;
}): CredentialVerifier {
  const tokenCache = new BoundedCache<string, TokenRecord>({ ttlMs: deps.ttlMs, maxEntries: deps.maxEntries });
  const userCache = new BoundedCache<string, UserRecord>({ ttlMs: deps.ttlMs, maxEntries: deps.maxEntries });

  return {
    async verify(username, token, now) {
      const hash = hashToken(token);
      const cachedToken = tokenCache.get(hash);
      const record = cachedToken ?? (await deps.tokens.findByHash(hash));
      if (record === null || record.username !== normalizeUsername(username)) {
        return { kind: 'invalid' };
      }
      if (cachedToken === undefined) {
        tokenCache.set(hash, record);
      }
      if (record.expiresAt !== null && record.expiresAt.getTime() <= now.getTime()) {
        return { kind: 'expired' };
      }
      const user = userCache.get(record.username) ?? (await deps.users.get(record.username));
      if (user === null) {
        return { kind: 'invalid' };
      }
      userCache.set(user.username, user);
      return {
        kind: 'ok',
        principal: {
          authenticated: true,
          username: user.username,
          isAdmin: user.isAdmin,
          groups: user.groups,
          method: 'basic',
          credentialId: record.id,
        },
      };
    },
    forgetUser(username) {
      userCache.delete(normalizeUsername(username));
    },
  };
}
