/**
 * Browser login from the configuration: off (undefined) when no provider is configured, so only the other kinds of
 * credentials work; otherwise the login routes over one openid-client per provider.
 */
import type Router from 'koa-router';

import type { GatewayState } from '../../http/state.js';
import type { Logger } from '../../logging.js';
import type { Store } from '../../store/types.js';
import type { SessionManager } from '../session/types.js';
import { createClientAddress } from '../throttle/client-address.js';
import { createOidcClient } from './client.js';
import { LOGIN_PATH, createLoginRoutes } from './routes.js';
import type { OidcSettings } from './settings.js';
import { createStartLimiter } from './start-limit.js';

/**
 * Logins one client address may start in ten minutes (the login states' lifetime by default): far more than a
 * person needs, few enough that an address cannot fill MongoDB with pending logins.
 */
export const LOGIN_START_LIMIT = { max: 60, windowMs: 10 * 60_000 };

export interface BrowserLogin {
  readonly router: Router<GatewayState>;
  readonly loginPath: string;
}

/** `settings`: loadOidcSettings() of the configuration (null: login off). */
export function buildBrowserLogin(deps: {
  readonly settings: OidcSettings | null;
  readonly store: Pick<Store, 'users' | 'loginStates'>;
  readonly sessions: SessionManager;
  readonly logger: Logger;
  /** session.allowed_origins. */
  readonly allowedOrigins: readonly string[];
  /** server.trusted_proxies: whose X-Forwarded-For names the client (for the login-start limit). */
  readonly trustedProxies: readonly string[];
}): BrowserLogin | undefined {
  const { settings } = deps;
  if (settings === null) {
    deps.logger.info('browser login is off (no oidc.discovery_url and no oidc.providers_file)');
    return undefined;
  }
  const clients = new Map(
    settings.providers.map((p) => [p.id, createOidcClient(p, { timeoutMs: settings.httpTimeoutMs })]),
  );
  deps.logger.info('browser login', {
    providers: settings.providers.map((p) => ({ id: p.id, discovery_url: p.discoveryUrl, client_id: p.clientId })),
    callback: settings.callbackPath,
    allowed_groups: settings.allowedGroups,
  });
  return {
    router: createLoginRoutes({
      settings,
      clients,
      users: deps.store.users,
      loginStates: deps.store.loginStates,
      sessions: deps.sessions,
      allowedOrigins: deps.allowedOrigins,
      startLimiter: createStartLimiter(LOGIN_START_LIMIT),
      clientAddress: createClientAddress(deps.trustedProxies),
    }),
    loginPath: LOGIN_PATH,
  };
}
