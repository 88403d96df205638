/**
 * Browser sessions: kept server-side in MongoDB so that any replica serves any request and a revoked session ends
 * everywhere; the cookie holds only a random id, signed with a key derived from session.secret_key.
 */
import type { Context } from 'koa';

/** One signed-in browser. */
export interface SessionRecord {
  /** Random id (the cookie's value); never logged whole. */
  readonly id: string;
  readonly username: string;
  /** Id of the OIDC provider the user signed in with. */
  readonly provider: string;
  /** Groups the provider gave at sign-in. */
  readonly groups: readonly string[];
  /** Administrator by the provider's groups at sign-in. */
  readonly isAdmin: boolean;
  readonly createdAt: Date;
  /** Last request seen (written at most once a minute), for the idle limit. */
  readonly lastSeenAt: Date;
  /** The absolute limit: createdAt + session.max_age_ms. */
  readonly expiresAt: Date;
  /** The provider's ID token, for RP-initiated logout (id_token_hint). */
  readonly idTokenHint?: string;
}

/** What a sign-in establishes. */
export interface SessionIdentity {
  readonly username: string;
  readonly provider: string;
  readonly groups: readonly string[];
  readonly isAdmin: boolean;
  readonly idTokenHint?: string;
}

export interface SessionManager {
  /** Ends any session of this browser and starts a new one (a new id, the cookie set) for this identity. */
  establish(ctx: Context, identity: SessionIdentity): Promise<SessionRecord>;
  /** Ends this request's session (server side and cookie); returns what it was. */
  end(ctx: Context): Promise<SessionRecord | null>;
  /** Revokes one session by id; false when there was none. */
  revoke(id: string): Promise<boolean>;
  /** Revokes every session of a user; returns how many. */
  revokeAllForUser(username: string): Promise<number>;
}
