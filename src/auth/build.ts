/**
 * The authenticator chain, built from the configuration in its one order: trusted proxy headers (when configured:
 * only a trusted peer may send them, and they name the user outright), the browser session, a JWT bearer token
 * (when configured), then Basic with an access token. The first that recognises its credential decides.
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../logging.js';
import type { UserRepository } from '../store/types.js';
import type { Signal } from '../util/signal.js';
import { createBasicAuthenticator } from './basic-authenticator.js';
import { buildBearerAuthenticator } from './bearer/build.js';
import type { ProviderKeysMetadata } from './bearer/discovery.js';
import type { CredentialVerifier } from './credentials.js';
import type { Authenticator } from './principal.js';
import { buildProxyHeadersAuthenticator } from './proxy-headers/build.js';
import { createSessionAuthenticator } from './session/authenticator.js';

export interface AuthenticatorDeps {
  readonly config: Config;
  readonly verifier: CredentialVerifier;
  readonly users: UserRepository;
  readonly logger: Logger;
  /** The provider of bearer tokens, resolved at start-up (bearer/build.ts); null when jwt.enabled is off. */
  readonly bearerProvider: ProviderKeysMetadata | null;
  /** Notified when permission data changed (src/policy/live-data.ts): cached users are dropped. */
  readonly permissionsChanged?: Pick<Signal, 'listen'>;
}

export function buildAuthenticators(deps: AuthenticatorDeps): Authenticator[] {
  const { config } = deps;
  return [
    ...(config.proxy_auth.enabled
      ? [buildProxyHeadersAuthenticator({ config, users: deps.users, logger: deps.logger })]
      : []),
    createSessionAuthenticator({
      users: deps.users,
      ttlMs: config.cache.ttl_ms,
      maxEntries: config.cache.max_entries,
      ...(deps.permissionsChanged === undefined ? {} : { permissionsChanged: deps.permissionsChanged }),
    }),
    ...(deps.bearerProvider === null
      ? []
      : [buildBearerAuthenticator({ config, provider: deps.bearerProvider, users: deps.users })]),
    createBasicAuthenticator({ verifier: deps.verifier, realm: config.auth.realm }),
  ];
}
