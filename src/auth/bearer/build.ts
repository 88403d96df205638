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
export async function resolveBearerProvider(
  config: Pick<Config, 'jwt' | 'oidc'>,
  fetch?: Fetch,
): Promise<ProviderKeysMetadata | null> {
  const { jwt } = config;
  if (!jwt.enabled) {
    return null;
  }
  if (jwt.issuer !== '' && jwt.jwks_uri !== '') {
    return { issuer: jwt.issuer, jwksUri: jwt.jwks_uri };
  }
  const discovered = await discoverProviderKeys({
    discoveryUrl: bearerDiscoveryUrl(config),
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
  const { jwt, auth, cache, oidc } = deps.config;
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
    usernameClaims: oidc.username_claims,
    groupsClaim: oidc.groups_attribute,
    trustGroupClaims: jwt.trust_group_claims,
  });
}

/** The discovery document bearer verification reads: its own, else browser login's provider's. */
export function bearerDiscoveryUrl(config: Pick<Config, 'jwt' | 'oidc'>): string {
  return config.jwt.discovery_url === '' ? config.oidc.discovery_url : config.jwt.discovery_url;
}
