/** Options: JWT bearer tokens and trusted proxy headers. */
import { DEFAULT_JWT_ALGORITHMS } from '../../auth/bearer/algorithms.js';
import type { OptionSpec } from '../schema.js';

export const BEARER_PROXY_OPTIONS: readonly OptionSpec[] = [
  // --- JWT bearer and trusted proxy headers (issue 7, items 4 and 6) ---
  {
    path: 'jwt.enabled',
    type: 'boolean',
    default: false,
    description:
      'Accept "Authorization: Bearer <JWT>" (what the MLflow client sends with MLFLOW_TRACKING_TOKEN): access ' +
      'tokens signed by the identity provider, checked against its published keys. Needs jwt.audience, and the ' +
      'provider from jwt.discovery_url or from jwt.issuer and jwt.jwks_uri.',
  },
  {
    path: 'jwt.discovery_url',
    type: 'string',
    default: '',
    description:
      "The provider's OpenID Connect discovery document (…/.well-known/openid-configuration), read once at " +
      'start-up (mlgate does not start if it cannot be read) for the issuer and the JWKS URI. Empty: ' +
      'oidc.discovery_url (OIDC_DISCOVERY_URL), the provider of browser login. Usernames and groups come from ' +
      'the claims named by oidc.username_claims and oidc.groups_attribute.',
  },
  {
    path: 'jwt.issuer',
    type: 'string',
    default: '',
    aliases: ['OIDC_ISSUER'],
    description: 'The "iss" tokens must carry. Empty: the issuer of the discovery document.',
  },
  {
    path: 'jwt.jwks_uri',
    type: 'string',
    default: '',
    description:
      "Where the provider's signing keys are published (JWKS). Empty: the jwks_uri of the discovery document.",
  },
  {
    path: 'jwt.audience',
    type: 'string-list',
    default: [],
    aliases: ['OIDC_AUDIENCE'],
    description:
      'Accepted "aud" values; a token must name at least one (required when jwt.enabled). Use the audience the ' +
      'provider puts in access tokens for this gateway (an API identifier or client id).',
  },
  {
    path: 'jwt.algorithms',
    type: 'string-list',
    default: DEFAULT_JWT_ALGORITHMS,
    description:
      'Signature algorithms accepted. Asymmetric only: "none" and HMAC (HS256…) are refused here, since a token ' +
      '"signed" with HMAC using the provider\'s public key as the secret would otherwise verify.',
  },
  {
    path: 'jwt.provision_users',
    type: 'boolean',
    default: false,
    aliases: ['OIDC_PROVISION_ON_BEARER_AUTH'],
    description:
      'Create the user named by a valid token on first use (no groups, not an administrator). Off: the user must ' +
      'exist already (mlgate user create), or the token is refused.',
  },
  {
    path: 'jwt.trust_group_claims',
    type: 'boolean',
    default: false,
    aliases: ['OIDC_TRUST_BEARER_GROUP_CLAIMS'],
    description:
      "Add the token's groups (oidc.groups_attribute) to the user's stored groups for the request, including " +
      'auth.admin_groups: a token can then make an administrator. Off: only stored groups count.',
  },
  {
    path: 'jwt.clock_tolerance_s',
    type: 'integer',
    default: 30,
    min: 0,
    max: 300,
    description: 'Clock skew tolerated on "exp" and "nbf", in seconds.',
  },
  {
    path: 'jwt.jwks_cache_max_age_s',
    type: 'integer',
    default: 600,
    min: 10,
    max: 86_400,
    aliases: ['OIDC_JWKS_CACHE_TTL_SECONDS'],
    description: "How long the provider's keys are used before they are fetched again, in seconds.",
  },
  {
    path: 'jwt.jwks_cooldown_s',
    type: 'integer',
    default: 30,
    min: 1,
    max: 3_600,
    description:
      'A token naming a key id the gateway does not hold makes it fetch the keys again (the provider may have ' +
      'rotated them), but at most once in this many seconds, so made-up key ids cannot flood the provider.',
  },
  {
    path: 'jwt.http_timeout_ms',
    type: 'integer',
    default: 5_000,
    min: 100,
    max: 60_000,
    description: 'Longest wait for the discovery document and the key set.',
  },
  {
    path: 'proxy_auth.enabled',
    type: 'boolean',
    default: false,
    description:
      'Take the identity from headers set by an authenticating proxy in front of mlgate (oauth2-proxy and the ' +
      'like), only on connections from proxy_auth.trusted_proxies (required).',
  },
  {
    path: 'proxy_auth.trusted_proxies',
    type: 'string-list',
    default: [],
    description:
      'Addresses and CIDR ranges of the proxies (the TCP peer, never X-Forwarded-For), e.g. 10.0.0.5, ' +
      '10.1.0.0/16, fd00::/8, or loopback / linklocal / uniquelocal. Identity headers from anyone else are ' +
      'ignored and logged.',
  },
  {
    path: 'proxy_auth.user_headers',
    type: 'string-list',
    default: ['X-Forwarded-Email', 'X-Forwarded-User'],
    description:
      'Headers naming the user, the first present wins (lower-cased). With oauth2-proxy --set-xauthrequest: ' +
      'X-Auth-Request-Email,X-Auth-Request-User. Never passed to MLflow.',
  },
  {
    path: 'proxy_auth.groups_header',
    type: 'string',
    default: 'X-Forwarded-Groups',
    description:
      "Header with the user's groups, comma-separated, added to the stored groups for the request (auth.admin_groups " +
      'included). Empty: groups come from the store only. Never passed to MLflow.',
  },
  {
    path: 'proxy_auth.provision_users',
    type: 'boolean',
    default: true,
    description:
      'Create the user the proxy names on first use (no stored groups, not an administrator), as a browser login ' +
      'does. Off: the user must exist already.',
  },
];
