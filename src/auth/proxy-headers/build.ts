/** The trusted-proxy-headers authenticator from the proxy_auth.* configuration, and the headers it owns. */
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../logging.js';
import type { UserRepository } from '../../store/types.js';
import { createExternalUsers } from '../external-users.js';
import type { Authenticator } from '../principal.js';
import { createProxyHeadersAuthenticator } from './authenticator.js';
import { identityHeaderNames } from './identity-headers.js';
import { compileTrustedPeers } from './trusted-peers.js';
import { createUntrustedHeaderWarnings } from './untrusted-warnings.js';

/** How often, at most, one peer's untrusted identity headers are logged. */
const WARNING_INTERVAL_MS = 60_000;

/** The configured identity header names (lower case): never passed to MLflow, whatever the peer. */
export function proxyIdentityHeaders(config: Config): string[] {
  return identityHeaderNames({
    userHeaders: config.proxy_auth.user_headers,
    groupsHeader: config.proxy_auth.groups_header,
  });
}

export function buildProxyHeadersAuthenticator(deps: {
  readonly config: Config;
  readonly users: UserRepository;
  readonly logger: Logger;
}): Authenticator {
  const { proxy_auth: proxy, cache } = deps.config;
  return createProxyHeadersAuthenticator({
    isTrusted: compileTrustedPeers(proxy.trusted_proxies),
    names: { userHeaders: proxy.user_headers, groupsHeader: proxy.groups_header },
    users: createExternalUsers({
      users: deps.users,
      provision: proxy.provision_users,
      ttlMs: cache.ttl_ms,
      maxEntries: cache.max_entries,
    }),
    warnings: createUntrustedHeaderWarnings({
      log: deps.logger.child({ component: 'proxy-auth' }),
      intervalMs: WARNING_INTERVAL_MS,
    }),
  });
}
