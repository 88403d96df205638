/** Who is calling, as established by authentication. */
import type { MlgateError } from '../errors.js';

export type AuthMethod = 'basic' | 'anonymous';

export interface Principal {
  readonly authenticated: boolean;
  readonly username: string | null;
  /** The store's administrator flag; group-based admin is decided by the policy. */
  readonly isAdmin: boolean;
  readonly groups: readonly string[];
  readonly method: AuthMethod;
  /** Id of the credential used (token id), for logs. */
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
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly now: Date;
}

export interface Authenticator {
  readonly name: string;
  authenticate(request: AuthRequest): Promise<AuthOutcome>;
}
