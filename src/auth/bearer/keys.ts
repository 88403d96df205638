/**
 * The provider's signing keys: jose's remote JWKS, cached (jwt.jwks_cache_max_age_s), fetched again when a token
 * names a key id it does not hold, but at most once per cooldown (jwt.jwks_cooldown_s), so tokens with made-up
 * key ids cannot make mlgate hammer the provider. A failure to fetch is told apart from an unknown key.
 */
import { type JWTVerifyGetKey, createRemoteJWKSet, errors } from 'jose';

import { KeysUnavailableError } from './refusals.js';

export interface RemoteKeysOptions {
  readonly jwksUri: string;
  readonly timeoutMs: number;
  readonly cacheMaxAgeMs: number;
  readonly cooldownMs: number;
}

export function createRemoteKeys(options: RemoteKeysOptions): JWTVerifyGetKey {
  const jwks = createRemoteJWKSet(new URL(options.jwksUri), {
    timeoutDuration: options.timeoutMs,
    cacheMaxAge: options.cacheMaxAgeMs,
    cooldownDuration: options.cooldownMs,
  });
  return async (header, token) => {
    try {
      return await jwks(header, token);
    } catch (error) {
      // Only a failure to obtain the key set is "unavailable" (503): a timeout, a network error, an answer that is
      // not a JWKS. Everything else is a verdict about the token (no matching key, an algorithm no key can serve).
      const unavailable =
        error instanceof errors.JWKSTimeout ||
        error instanceof errors.JWKSInvalid ||
        !(error instanceof errors.JOSEError) ||
        error.code === 'ERR_JOSE_GENERIC';
      throw unavailable ? new KeysUnavailableError(error) : error;
    }
  };
}
