/**
 * Maps what jose reports about a token that did not verify to a stable mlgate refusal (pure). Anything that is not
 * a verdict about the token itself (the key set could not be fetched) is a 503, never a 401 and never a pass.
 */
import { errors } from 'jose';

import type { ErrorCode } from '../../errors.js';

export interface Refusal {
  readonly code: ErrorCode;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The key set could not be obtained (network, timeout, bad JSON): thrown by our key resolver. */
export class KeysUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the JWKS could not be fetched', { cause });
    this.name = 'KeysUnavailableError';
  }
}

export function refusalFor(error: unknown): Refusal {
  if (error instanceof KeysUnavailableError) {
    return { code: 'MLGATE_BEARER_KEYS_UNAVAILABLE' };
  }
  if (error instanceof errors.JWTExpired) {
    return { code: 'MLGATE_BEARER_EXPIRED' };
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const claim = error.claim;
    if (error.reason === 'missing') {
      return { code: 'MLGATE_BEARER_CLAIM_MISSING', details: { claim } };
    }
    if (claim === 'aud') {
      return { code: 'MLGATE_BEARER_WRONG_AUDIENCE' };
    }
    if (claim === 'iss') {
      return { code: 'MLGATE_BEARER_WRONG_ISSUER' };
    }
    return { code: 'MLGATE_BEARER_CLAIM_INVALID', details: { claim } };
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return { code: 'MLGATE_BEARER_UNKNOWN_KEY' };
  }
  if (error instanceof errors.JWKSMultipleMatchingKeys) {
    return {
      code: 'MLGATE_BEARER_UNKNOWN_KEY',
      details: { reason: 'several published keys match; the token needs a "kid"' },
    };
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return { code: 'MLGATE_BEARER_BAD_SIGNATURE' };
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return { code: 'MLGATE_BEARER_ALG_NOT_ALLOWED' };
  }
  // JWSInvalid, JWTInvalid (payload not a JSON object), JOSENotSupported (e.g. an unknown "crit" header) and the
  // rest: the token is not something we can verify.
  return { code: 'MLGATE_BEARER_MALFORMED', details: { reason: 'the token could not be verified as a signed JWT' } };
}
