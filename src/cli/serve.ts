/**
 * `mlgate serve`: the composition root. Builds every dependency from the
 * validated configuration, starts the server and stops it cleanly on SIGINT
 * or SIGTERM.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import Router from 'koa-router';

import { createApp } from '../app.js';
import { preferShortGcPauses } from '../util/gc-pauses.js';
import { registerGrantRoutes } from '../http/api/grant-routes.js';
import { createListTokens, deriveListTokenKey } from '../http/api/list-pages.js';
import { registerGroupRoutes } from '../http/api/group-routes.js';
import type { PermissionApiDeps } from '../http/api/permission-deps.js';
import { registerRuleRoutes } from '../http/api/rule-routes.js';
import { registerTokenRoutes } from '../http/api/token-routes.js';
import { OWN_PREFIX } from '../http/chains.js';
import type { GatewayState } from '../http/state.js';
import { serverTimeouts } from '../http/server-timeouts.js';
import { resolveBearerProvider } from '../auth/bearer/build.js';
import { buildAuthenticators } from '../auth/build.js';
import { LOGIN_COOKIE } from '../auth/oidc/routes.js';
import { buildBrowserLogin } from '../auth/oidc/build.js';
import { loadOidcSettings } from '../auth/oidc/settings.js';
import { proxyIdentityHeaders } from '../auth/proxy-headers/build.js';
import { SESSION_TOUCH_INTERVAL_MS } from '../auth/session/record.js';
import { createSessionManager } from '../auth/session/manager.js';
import { createCredentialVerifier } from '../auth/credentials.js';
import { LAST_USED_INTERVAL_MS, createLastUsedRecorder } from '../auth/last-used.js';
import { createClientAddress } from '../auth/throttle/client-address.js';
import { createThrottleGuard } from '../auth/throttle/guard.js';
import { createTokenService } from '../auth/token-service.js';
import { DEVELOPMENT_TOKEN_KEY_WARNING, throttleSettings, tokenSettings } from '../auth/token-settings.js';
import { createTokenHasher, deriveTokenKey } from '../auth/tokens.js';
import type { LoadedConfig } from '../config/load.js';
import { createLogger, type Logger } from '../logging.js';
import { createMlflowClient } from '../mlflow/client.js';
import { createRouteTable } from '../mlflow/match.js';
import { createPageTokens, derivePageTokenKey } from '../mlflow/page-token.js';
import { createExperimentNames } from '../mlflow/names.js';
import { createResolver } from '../mlflow/resolve.js';
import { ROUTES } from '../mlflow/routes.js';
import { runtimeData } from '../policy/data.js';
import { ruleLimits } from '../policy/rule-limits.js';
import { createLiveData } from '../policy/live-data.js';
import { createPatternChecker } from '../policy/patterns.js';
import { startPolicy } from '../policy/start-policy.js';
import { defaultBundlePath } from '../paths.js';
import { readBundle } from '../policy/bundle.js';
import { createUpstream } from '../proxy/upstream.js';
import { createCachedGrantSource } from '../store/grant-cache.js';
import { openMongoStore } from '../store/mongo/store.js';
import { redactUri } from '../util/redact-uri.js';
import { createSignal } from '../util/signal.js';

export interface RunningGateway {
  readonly url: string;
  readonly logger: Logger;
  stop(): Promise<void>;
}

export async function startGateway(loaded: LoadedConfig): Promise<RunningGateway> {
  const { config } = loaded;
  preferShortGcPauses();
  const logger = createLogger({ level: config.logging.level, format: config.logging.format }).child({
    component: 'mlgate',
  });
  for (const warning of loaded.warnings) {
    logger.warn('configuration warning', { warning });
  }

  // Browser login: checked before anything starts (a problem stops the start, like any configuration problem).
  const oidcSettings = loadOidcSettings(config, {
    env: process.env,
    readFile: (path) => readFileSync(path, 'utf8'),
  });

  // The runtime data every activated bundle gets: the configuration's, then the live permission data once loaded
  // (a bundle swapped in while the data changes starts from the newest data).
  let currentData: object = runtimeData(config);
  // The first bundle must load (or the start stops); new ones are watched for once the gateway listens.
  const policy = await startPolicy(config, { logger, runtimeData: () => currentData });
  const engine = policy.engine;
  // Regex rule patterns are checked by the shipped policy's RE2 (the same engine any OPA wasm bundle matches with).
  const patterns = await createPatternChecker(await readBundle(defaultBundlePath()));

  // Before anything is opened: a provider that cannot be discovered stops the start-up.
  const bearerProvider = await resolveBearerProvider(config);
  if (bearerProvider !== null) {
    logger.info('JWT bearer enabled', { issuer: bearerProvider.issuer, jwks_uri: redactUri(bearerProvider.jwksUri) });
  }

  const store = await openMongoStore({
    uri: config.mongodb.uri,
    database: config.mongodb.database,
    timeoutMs: config.mongodb.timeout_ms,
  });
  if (config.session.secret_key === '') {
    logger.warn(DEVELOPMENT_TOKEN_KEY_WARNING);
  }
  const legacyTokens = await store.tokens.countLegacy();
  if (legacyTokens > 0) {
    logger.warn(
      `the store holds ${legacyTokens} access token(s) of the first format (collection "tokens"), which are no ` +
        'longer accepted: their users get 401 MLGATE_AUTH_TOKEN_OUTDATED. Create new tokens (mlgate token create), ' +
        'then drop that collection.',
    );
  }
  const tokenHasher = createTokenHasher(deriveTokenKey(config.session.secret_key));
  // Raised when permission data changed on any replica (live data below): caches of users and grants are dropped.
  const permissionsChanged = createSignal();
  const verifier = createCredentialVerifier({
    tokens: store.tokens,
    users: store.users,
    hasher: tokenHasher,
    ttlMs: config.cache.ttl_ms,
    maxEntries: config.cache.max_entries,
    lastUsed: createLastUsedRecorder({
      tokens: store.tokens,
      intervalMs: LAST_USED_INTERVAL_MS,
      maxEntries: config.cache.max_entries,
      onError: (err) => logger.warn('could not record when an access token was last used', { err }),
    }),
    permissionsChanged,
  });
  const grantSource = createCachedGrantSource(store.grants, {
    ttlMs: config.cache.ttl_ms,
    maxEntries: config.cache.max_entries,
  });
  // Permission data from MongoDB (regex rules, groups), refreshed on every replica when any replica changes it.
  const liveData = createLiveData({
    version: store.permissionVersion,
    rules: store.regexRules,
    groups: store.groups,
    baseData: runtimeData(config),
    install: (data) => {
      currentData = data;
      return engine.setData(data);
    },
    isValidPattern: (pattern) => patterns.problem(pattern) === null,
    limits: ruleLimits(config),
    onChange: () => {
      grantSource.clear();
      permissionsChanged.notify();
    },
    intervalMs: config.permissions.refresh_interval_ms,
    maxStaleMs: config.permissions.max_stale_ms,
    logger: logger.child({ component: 'permission-data' }),
  });
  await liveData.start();
  logger.info('permission data loaded', { version: liveData.status().version, regex_rules: liveData.status().rules });
  const client = createMlflowClient({
    baseUrl: config.upstream.url,
    timeoutMs: config.upstream.lookup_timeout_ms,
    maxResponseBytes: config.upstream.lookup_max_response_bytes,
    keepAlive: config.upstream.keep_alive,
  });
  const upstream = createUpstream({
    url: config.upstream.url,
    timeoutMs: config.upstream.timeout_ms,
    keepAlive: config.upstream.keep_alive,
    strippedHeaders: proxyIdentityHeaders(config),
    strippedCookies: [config.session.cookie_name, LOGIN_COOKIE].flatMap((name) => [name, `${name}.sig`]),
    clientAddress: createClientAddress(config.server.trusted_proxies),
  });
  if (config.proxy_auth.enabled) {
    logger.info('trusted proxy headers enabled', {
      trusted_proxies: config.proxy_auth.trusted_proxies,
      user_headers: config.proxy_auth.user_headers,
      groups_header: config.proxy_auth.groups_header,
    });
  }

  const sessions = createSessionManager({
    repository: store.sessions,
    secretKey: config.session.secret_key,
    settings: {
      cookieName: config.session.cookie_name,
      cookieSecure: config.session.cookie_secure,
      maxAgeMs: config.session.max_age_ms,
      idleMs: config.session.idle_timeout_ms,
      touchIntervalMs: SESSION_TOUCH_INTERVAL_MS,
    },
    logger,
  });
  const login = buildBrowserLogin({
    settings: oidcSettings,
    store,
    sessions,
    logger,
    allowedOrigins: config.session.allowed_origins,
    trustedProxies: config.server.trusted_proxies,
  });
  const tokenService = createTokenService({
    tokens: store.tokens,
    users: store.users,
    hasher: tokenHasher,
    settings: tokenSettings(config),
  });
  const apiRoutes = new Router<GatewayState>({ prefix: `${OWN_PREFIX}/api` });
  registerTokenRoutes(apiRoutes, {
    tokens: tokenService,
    adminGroups: config.auth.admin_groups,
    createWithToken: config.tokens.create_with_token,
  });
  const resolver = createResolver({
    client,
    maxEntries: config.cache.run_max_entries,
    missingTtlMs: config.cache.missing_ttl_ms,
  });
  const names = createExperimentNames({
    client,
    ttlMs: config.permissions.name_cache_ttl_ms,
    maxEntries: config.cache.run_max_entries,
    needed: () => liveData.hasRules(),
  });
  // Grants, regex rules and groups (issue 8): a change made here is loaded here at once, elsewhere within the bound.
  const permissionApi: PermissionApiDeps = {
    store,
    adminGroups: config.auth.admin_groups,
    patterns,
    limits: ruleLimits(config),
    listTokens: createListTokens({ key: deriveListTokenKey(config.session.secret_key) }),
    changed: () => liveData.refresh(),
  };
  registerGrantRoutes(apiRoutes, {
    ...permissionApi,
    engine,
    liveData,
    resolver,
    grantSource,
    names,
    maxResources: config.server.max_resources_per_request,
  });
  registerRuleRoutes(apiRoutes, permissionApi);
  registerGroupRoutes(apiRoutes, permissionApi);

  const app = createApp({
    logger,
    authenticators: buildAuthenticators({
      config,
      verifier,
      users: store.users,
      logger,
      bearerProvider,
      permissionsChanged,
    }),
    ...(config.throttle.enabled
      ? {
          throttle: createThrottleGuard({
            failures: store.failures,
            settings: throttleSettings(config),
            logger: logger.child({ component: 'throttle' }),
            clientAddress: createClientAddress(config.server.trusted_proxies),
            clearTtlMs: config.cache.ttl_ms,
          }),
        }
      : {}),
    apiRoutes,
    sessions,
    ...(login === undefined ? {} : { login }),
    trustedProxies: config.server.trusted_proxies,
    allowedOrigins: config.session.allowed_origins,
    routes: createRouteTable(ROUTES),
    resolver,
    grantSource,
    grants: store.grants,
    engine,
    bundleActivity: () => policy.activator.activity(),
    upstream,
    client,
    pingStore: () => store.ping(),
    maxBodyBytes: config.server.max_json_body_bytes,
    maxArtifactUploadBytes: config.server.max_artifact_upload_bytes,
    maxResources: config.server.max_resources_per_request,
    searchMaxPages: config.upstream.search_max_pages,
    bodyIdleTimeoutMs: config.server.body_idle_timeout_ms,
    pageTokens: createPageTokens({ key: derivePageTokenKey(config.session.secret_key) }),
    names,
    liveData,
  });
  // An error that escapes the pipeline (a bug: the error boundary answers every request error) is logged with its
  // stack instead of Koa's console print.
  app.on('error', (err: unknown) => logger.error('unhandled error outside the request pipeline', { err }));

  const timeouts = serverTimeouts(config.server);
  const handle = app.callback(); // Koa answers its own errors: the promise never rejects
  let stopping = false;
  const server = http.createServer(
    {
      headersTimeout: timeouts.headersTimeout,
      requestTimeout: timeouts.requestTimeout,
      connectionsCheckingInterval: timeouts.connectionsCheckingInterval,
    },
    (req, res) => {
      // Stopping: the answer closes its connection, so a client kept alive moves to another replica.
      if (stopping) res.shouldKeepAlive = false;
      void handle(req, res);
    },
  );
  server.keepAliveTimeout = timeouts.keepAliveTimeout;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info('listening', { url, upstream: redactUri(config.upstream.url) });
  policy.start();

  return {
    url,
    logger,
    async stop() {
      policy.stop();
      stopping = true;
      await new Promise<void>((resolve) => {
        // Requests under way may finish (each closes its connection), up to server.shutdown_timeout_ms.
        const deadline = setTimeout(() => server.closeAllConnections(), config.server.shutdown_timeout_ms);
        server.close(() => {
          clearTimeout(deadline);
          resolve();
        });
        server.closeIdleConnections();
      });
      upstream.close();
      liveData.stop();
      await store.close();
    },
  };
}
