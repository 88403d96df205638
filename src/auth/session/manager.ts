/**
 * Browser sessions with koa-session, stored server-side in MongoDB: the cookie holds only a random 256-bit id,
 * signed (HMAC-SHA256) with a key derived from session.secret_key, so any replica serves any request and a session
 * revoked on one replica is gone on all (every request with a session cookie reads it from the store).
 */
import { hkdfSync, randomBytes } from 'node:crypto';

import type Koa from 'koa';
import type { Context, Middleware } from 'koa';
import compose from 'koa-compose';
import createSession from 'koa-session';
import Keygrip from 'keygrip';

import type { GatewayState } from '../../http/state.js';
import type { Logger } from '../../logging.js';
import type { SessionRepository } from '../../store/types.js';
import { type SessionLimits, checkSession, newSessionData } from './record.js';
import type { SessionIdentity, SessionManager, SessionRecord } from './types.js';

const SESSION_KEY_INFO = 'mlgate session cookie v1';

export interface SessionSettings extends SessionLimits {
  readonly cookieName: string;
  /** auto: Secure when the request came over TLS; always; never (local trials over plain HTTP only). */
  readonly cookieSecure: 'auto' | 'always' | 'never';
}

export interface SessionDeps {
  readonly repository: SessionRepository;
  /** session.secret_key; empty (development mode only) means a random key per process. */
  readonly secretKey: string;
  readonly settings: SessionSettings;
  readonly logger: Logger;
  readonly now?: () => Date;
}

export interface InstalledSessions extends SessionManager {
  /** The pre-auth stage: loads the session named by the cookie into state.session (or null). */
  stage(app: Koa<GatewayState>): Middleware<GatewayState>;
}

/** The cookie signing key: HKDF of the secret, so the secret itself never signs anything directly. */
export function deriveSessionKey(secretKey: string, random: (size: number) => Buffer = randomBytes): Buffer {
  if (secretKey === '') {
    return random(32);
  }
  return Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), SESSION_KEY_INFO, 32));
}

/** The parts of koa-session's per-request session object used here (its typings do not reach ctx.session). */
interface SessionHandle {
  readonly isNew: boolean;
  readonly externalKey?: string;
  toJSON(): Record<string, unknown>;
  regenerate(): Promise<void> | undefined;
}

const sessionOf = (ctx: Context): SessionHandle | null => ctx['session'] as SessionHandle | null;

export function createSessionManager(deps: SessionDeps): InstalledSessions {
  const { repository, settings } = deps;
  const now = deps.now ?? (() => new Date());
  // The id under which koa-session last saved this request's session (a new one after establish()).
  const savedIds = new WeakMap<Context, string>();
  // Requests signing in: the only ones whose save may create a session. Any other save (recorded activity) only
  // updates a session that still exists, so a request still running when its session is ended (logout,
  // revocation) cannot write it back.
  const signingIn = new WeakSet<Context>();

  const store = {
    async get(id: string): Promise<Record<string, unknown> | null> {
      const stored = await repository.get(id);
      return stored === null ? null : { ...stored.data };
    },
    async set(id: string, data: Record<string, unknown>, _maxAge: number, options: { ctx?: unknown }): Promise<void> {
      const username = data['username'];
      const expiresAt = new Date(String(data['expiresAt']));
      if (typeof username !== 'string' || Number.isNaN(expiresAt.getTime())) {
        return; // nothing but a signed-in identity is ever stored
      }
      const ctx = options.ctx as Context | undefined;
      if (ctx !== undefined && signingIn.has(ctx)) {
        await repository.put({ id, username, expiresAt, data });
        savedIds.set(ctx, id);
      } else {
        await repository.update({ id, username, expiresAt, data });
      }
    },
    async destroy(id: string): Promise<void> {
      await repository.delete(id);
    },
  };

  function secureOf(state: GatewayState): boolean {
    switch (settings.cookieSecure) {
      case 'always':
        return true;
      case 'never':
        return false;
      case 'auto':
        return state.secure;
    }
  }

  return {
    stage(app) {
      app.keys = new Keygrip([deriveSessionKey(deps.secretKey).toString('base64')], 'sha256');
      const session = createSession(
        {
          key: settings.cookieName,
          store,
          genid: () => randomBytes(32).toString('base64url'),
          maxAge: settings.maxAgeMs,
          httpOnly: true,
          sameSite: 'lax',
          signed: true,
          rolling: false,
          renew: false,
          autoCommit: true,
        },
        app,
      ) as Middleware<GatewayState>;
      const prepare: Middleware<GatewayState> = async (ctx, next) => {
        const secure = secureOf(ctx.state);
        ctx.cookies.secure = secure || ctx.cookies.secure;
        (ctx['sessionOptions'] as { secure?: boolean }).secure = secure;
        await next();
      };
      const load: Middleware<GatewayState> = async (ctx, next) => {
        ctx.state.session = null;
        const session = sessionOf(ctx);
        if (session !== null && !session.isNew && session.externalKey !== undefined) {
          const check = checkSession(session.externalKey, session.toJSON(), ctx.state.now, settings);
          if (check.kind === 'valid') {
            ctx.state.session = check.record;
            if (check.touch) {
              ctx.session = { ...session.toJSON(), lastSeenAt: ctx.state.now.toISOString() };
            }
          } else {
            ctx.state.logger.info('session ended', {
              reason: check.kind === 'expired' ? check.reason : 'unreadable',
              user: check.kind === 'expired' ? check.username : null,
            });
            ctx.session = null; // deleted from the store and the cookie cleared when the request ends
          }
        }
        await next();
      };
      return compose([prepare, session, load]);
    },

    async establish(ctx, identity: SessionIdentity): Promise<SessionRecord> {
      const data = newSessionData(identity, now(), settings);
      signingIn.add(ctx);
      ctx.session = data;
      // A new id at every sign-in (no session fixation); the browser's earlier session is deleted.
      await sessionOf(ctx)?.regenerate();
      const id = savedIds.get(ctx);
      const check = id === undefined ? undefined : checkSession(id, data, now(), settings);
      if (check?.kind !== 'valid') {
        throw new Error('the new session could not be stored');
      }
      (ctx.state as GatewayState).session = check.record;
      return check.record;
    },

    async end(ctx): Promise<SessionRecord | null> {
      const state = ctx.state as GatewayState;
      const current = state.session;
      if (current !== null) {
        await repository.delete(current.id);
      }
      ctx.session = null;
      state.session = null;
      return current;
    },

    revoke: (id) => repository.delete(id),
    revokeAllForUser: (username) => repository.deleteAllForUser(username),
  };
}
