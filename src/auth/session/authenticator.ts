/**
 * The browser session as a credential: the session stage has already checked the cookie's signature, the
 * session's existence in the store (revocation) and its limits. The user is read from the store (through the
 * credential cache), so an administrator's changes to the user apply to live sessions; the groups are the store's
 * and those the provider gave at sign-in, together (docs/identity.md).
 */
import type { UserRecord, UserRepository } from '../../store/types.js';
import { BoundedCache } from '../../util/bounded-cache.js';
import type { Signal } from '../../util/signal.js';
import { userPrincipal } from '../effective-groups.js';
import type { Authenticator } from '../principal.js';

export function createSessionAuthenticator(deps: {
  readonly users: UserRepository;
  readonly ttlMs: number;
  readonly maxEntries: number;
  /** Notified when permission data changed anywhere (a user's groups or admin flag): cached users are dropped. */
  readonly permissionsChanged?: Pick<Signal, 'listen'>;
}): Authenticator {
  const users = new BoundedCache<string, UserRecord | null>({ ttlMs: deps.ttlMs, maxEntries: deps.maxEntries });
  deps.permissionsChanged?.listen(() => users.clear());
  return {
    name: 'session',
    challenge: null, // a browser without a session is sent to log in (challenge.ts), not challenged
    async authenticate(request) {
      const session = request.session;
      if (session === null) {
        return { kind: 'not-mine' };
      }
      const user = await users.getOrLoad(
        session.username,
        () => deps.users.get(session.username),
        (u) => u !== null,
      );
      if (user === null) {
        // Deleted by an administrator since sign-in: the session no longer names anyone.
        return { kind: 'not-mine' };
      }
      return {
        kind: 'authenticated',
        principal: userPrincipal(user, 'session', { groups: session.groups, credentialId: session.id.slice(0, 8) }),
      };
    },
  };
}
