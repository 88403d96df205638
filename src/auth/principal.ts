/** Who is calling, as established by authentication. */
import type { IncomingHttpHeaders } from 'node:http';

import type { MlgateError } from '../errors.js';
import type { SessionRecord } from './session/types.js';

/** How the caller proved who they are: one per kind of credential. */
export type AuthMethod = 'basic' | 'session' | 'bearer' | 'proxy' | 'anonymous';

export interface Principal {
  readonly authenticated: boolean;
  readonly username: string | null;
  /** The store's administrator flag; group-based admin is decided by the policy. */
  readonly isAdmin: boolean;
  readonly groups: readonly string[];
  readonly method: AuthMethod;
  /** Id of the credential used (token id, session id prefix, key id), for logs. */
  readonly credentialId?: string;
}

export const ANONYMOUS: Principal = Object.freeze({
  authenticated: false,
  username: null,
  isAdmin: false,
  groups: Object.freeze([]),
  method: 'anonymous',
});

/**
 * What one authenticator says about a request: the credential is not of its
 * kind, it proves who the caller is, or it is presented and wrong.
 */
export type AuthOutcome =
  | { readonly kind: 'not-mine' }
  | { readonly kind: 'authenticated'; readonly principal: Principal }
  | {
      readonly kind: 'rejected';
      readonly error: MlgateError;
      /** The username the credential claimed, when it names one (failures are also counted per username). */
      readonly username?: string;
    };

/** The parts of a request an authenticator may look at. */
export interface AuthRequest {
  /**
   * The headers as Node parsed them, except that a repeated Authorization header is the list of every value (Node
   * keeps only the first), so that a credential sent twice is refused rather than one of them picked.
   */
  readonly headers: IncomingHttpHeaders;
  /** The headers as received: names in their original case, every repeat kept (see http/raw-headers.ts). */
  readonly rawHeaders: readonly string[];
  /** The TCP peer (socket.remoteAddress), never a forwarded header. */
  readonly peerAddress: string;
  /** The request came over TLS. */
  readonly secure: boolean;
  /** The server-side session named by the request's cookie, already checked for expiry and revocation. */
  readonly session: SessionRecord | null;
  readonly now: Date;
}

export interface Authenticator {
  readonly name: string;
  /**
   * The WWW-Authenticate challenge this kind of credential offers on a 401 (e.g. `Bearer realm="mlgate"`), or null.
   * The chain puts every configured challenge on every 401; an authenticator never sets the header itself.
   */
  readonly challenge: string | null;
  authenticate(request: AuthRequest): Promise<AuthOutcome>;
}
