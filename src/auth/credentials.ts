/**
 * Verifies a username + access token against the store: the token names its record by id; the record is read
 * through a bounded cache (cache.ttl_ms bounds how long a revoked token keeps working on a replica that has just
 * used it) and the keyed hashes are compared in constant time.
 */
import type { TokenRecord, TokenRepository, UserRecord, UserRepository } from '../store/types.js';
import { BoundedCache } from '../util/bounded-cache.js';
import type { Signal } from '../util/signal.js';
import { userPrincipal } from './effective-groups.js';
import type { LastUsedRecorder } from './last-used.js';
import type { Principal } from './principal.js';
import { type TokenHasher, parseToken } from './tokens.js';
import { normalizeUsername } from './usernames.js';

export type VerifyResult =
  | { readonly kind: 'ok'; readonly principal: Principal }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'expired' }
  /** A token of the first format, no longer accepted. */
  | { readonly kind: 'outdated' };

export interface CredentialVerifier {
  verify(username: string, token: string, now: Date): Promise<VerifyResult>;
}

export function createCredentialVerifier(deps: {
  readonly tokens: TokenRepository;
  readonly users: UserRepository;
  readonly hasher: TokenHasher;
  readonly ttlMs: number;
  readonly maxEntries: number;
  readonly lastUsed?: LastUsedRecorder;
  /** Notified when permission data changed anywhere (a user's groups or admin flag): cached users are dropped. */
  readonly permissionsChanged?: Pick<Signal, 'listen'>;
}): CredentialVerifier {
  // Entries are stored on a hit only, so a user who keeps calling is still re-read every ttlMs, and ids that do
  // not exist are always looked up (they fail, and failures are throttled).
  const tokenCache = new BoundedCache<string, TokenRecord | null>({ ttlMs: deps.ttlMs, maxEntries: deps.maxEntries });
  const userCache = new BoundedCache<string, UserRecord | null>({ ttlMs: deps.ttlMs, maxEntries: deps.maxEntries });
  const found = (value: unknown): boolean => value !== null;
  deps.permissionsChanged?.listen(() => userCache.clear());

  return {
    async verify(username, token, now) {
      const parsed = parseToken(token);
      if (parsed.kind === 'legacy') {
        return { kind: 'outdated' };
      }
      if (parsed.kind === 'malformed') {
        return { kind: 'invalid' };
      }
      const record = await tokenCache.getOrLoad(parsed.id, () => deps.tokens.findById(parsed.id), found);
      if (record === null || !deps.hasher.matches(token, record.hash)) {
        return { kind: 'invalid' };
      }
      if (record.username !== normalizeUsername(username)) {
        return { kind: 'invalid' };
      }
      if (record.expiresAt !== null && record.expiresAt.getTime() <= now.getTime()) {
        return { kind: 'expired' };
      }
      const user = await userCache.getOrLoad(record.username, () => deps.users.get(record.username), found);
      if (user === null) {
        return { kind: 'invalid' };
      }
      deps.lastUsed?.used(record.id, now);
      return {
        kind: 'ok',
        principal: userPrincipal(user, 'basic', { credentialId: record.id }),
      };
    },
  };
}
