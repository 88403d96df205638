/**
 * The bearer authenticator from the jwt.* configuration. The provider (issuer, JWKS URI) is resolved once at
 * start-up: from discovery, with jwt.issuer / jwt.jwks_uri taking precedence when set.
 */
import type { Config } from '../../config/schema.js';
import type { UserRepository } from '../../store/types.js';
import { createExternalUsers } from '../external-users.js';
import type { Authenticator } from '../principal.js';
import { createBearerAuthenticator } from './authenticator.js';
import { type Fetch, type ProviderKeysMetadata, discoverProviderKeys } from './discovery.js';
import { createRemoteKeys } from './keys.js';
import { createJwtVerifier } from './verifier.js';

/** The provider bearer tokens are checked against; null when jwt.enabled is off. */
export async function resolveBearerProvider(jwt: Config['jwt'], fetch?: Fetch): Promise<ProviderKeysMetadata | null> {
  if (!jwt.enabled) {
    return null;
  }
  if (jwt.issuer !== '' && jwt.jwks_uri !== '') {
    return { issuer: jwt.issuer, jwksUri: jwt.jwks_uri };
  }
  const discovered = await discoverProviderKeys({
    discoveryUrl: jwt.discovery_url,
    timeoutMs: jwt.http_timeout_ms,
    ...(fetch === undefined ? {} : { fetch }),
  });
  return {
    issuer: jwt.issuer === '' ? discovered.issuer : jwt.issuer,
    jwksUri: jwt.jwks_uri === '' ? discovered.jwksUri : jwt.jwks_uri,
  };
}

export function buildBearerAuthenticator(deps: {
  readonly config: Config;
  readonly provider: ProviderKeysMetadata;
  readonly users: UserRepository;
}): Authenticator {
  const { jwt, auth, cache } = deps.config;
  return createBearerAuthenticator({
    verifier: createJwtVerifier({
      getKey: createRemoteKeys({
        jwksUri: deps.provider.jwksUri,
        timeoutMs: jwt.http_timeout_ms,
        cacheMaxAgeMs: jwt.jwks_cache_max_age_s * 1000,
        cooldownMs: jwt.jwks_cooldown_s * 1000,
      }),
      issuer: deps.provider.issuer,
      audience: jwt.audience,
      algorithms: jwt.algorithms,
      clockToleranceSeconds: jwt.clock_tolerance_s,
    }),
    users: createExternalUsers({
      users: deps.users,
      provision: jwt.provision_users,
      ttlMs: cache.ttl_ms,
      maxEntries: cache.max_entries,
    }),
    realm: auth.realm,
    usernameClaims: jwt.username_claims,
    groupsClaim: jwt.groups_claim,
    trustGroupClaims: jwt.trust_group_claims,
  });
}
