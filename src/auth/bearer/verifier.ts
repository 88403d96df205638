/**
 * Verifies a Bearer JWT with jose: the header is checked first (malformed, "none", algorithms outside the
 * allow-list), then jose checks the signature against the provider's key, and the claims: "iss" and "aud" must
 * match, "exp" must be present and in the future ("nbf", when present, in the past). Every failure becomes a
 * stable refusal.
 */
import { type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';

import { type Refusal, refusalFor } from './refusals.js';
import { checkTokenHeader } from './token-header.js';

export type JwtVerification =
  { readonly kind: 'verified'; readonly payload: JWTPayload } | ({ readonly kind: 'refused' } & Refusal);

export interface JwtVerifier {
  verify(token: string, now: Date): Promise<JwtVerification>;
}

export interface JwtVerifierOptions {
  /** Resolves the verification key from the token header (a remote JWKS in production). */
  readonly getKey: JWTVerifyGetKey;
  readonly issuer: string;
  readonly audience: readonly string[];
  /** Allowed "alg" values; asymmetric only (see algorithms.ts). */
  readonly algorithms: readonly string[];
  /** Clock skew tolerated on "exp" and "nbf", in seconds. */
  readonly clockToleranceSeconds: number;
}

export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const allowed = new Set(options.algorithms);
  return {
    async verify(token, now) {
      const header = checkTokenHeader(token, allowed);
      switch (header.kind) {
        case 'malformed':
          return { kind: 'refused', code: 'MLGATE_BEARER_MALFORMED', details: { reason: header.reason } };
        case 'alg-none':
          return { kind: 'refused', code: 'MLGATE_BEARER_ALG_NONE' };
        case 'alg-not-allowed':
          return { kind: 'refused', code: 'MLGATE_BEARER_ALG_NOT_ALLOWED', details: { alg: header.alg } };
        case 'ok':
          break;
      }
      try {
        const { payload } = await jwtVerify(token, options.getKey, {
          algorithms: [...options.algorithms],
          issuer: options.issuer,
          audience: [...options.audience],
          requiredClaims: ['iss', 'aud', 'exp'],
          clockTolerance: options.clockToleranceSeconds,
          currentDate: now,
        });
        return { kind: 'verified', payload };
      } catch (error) {
        return { kind: 'refused', ...refusalFor(error) };
      }
    },
  };
}
