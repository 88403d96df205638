/**
 * The gateway's request pipeline, in order: the pre-auth chain every request
 * passes, then one branch (chains.ts). Every request to MLflow passes every
 * stage of the mlflow branch; the gateway's own endpoints live under /_mlgate/.
 */
import Koa, { type Middleware } from 'koa';
import type Router from 'koa-router';

import type { Authenticator } from './auth/principal.js';
import type { ThrottleGuard } from './auth/throttle/guard.js';
import type { InstalledSessions } from './auth/session/manager.js';
import { authenticateStage, challengeStage, requireAuthenticatedStage } from './http/authenticate.js';
import { authorizeStage } from './http/authorize.js';
import { bodyTimeoutStage } from './http/body-timeout.js';
import { errorBoundary } from './http/error-boundary.js';
import { forwardStage } from './http/forward.js';
import { graphqlDocumentStage } from './http/graphql-document.js';
import { healthRoutes } from './http/health-routes.js';
import { decodePathStage, matchRouteStage } from './http/match-route.js';
import { branch, branchOf, loginRouteTest } from './http/chains.js';
import { readParamsStage } from './http/read-params.js';
import { requestContext } from './http/request-context.js';
import { resolveTargetsStage } from './http/resolve-targets.js';
import { originCheckStage } from './http/origin-check.js';
import { stampIdentityStage } from './http/stamp-identity.js';
import { transportStage } from './http/transport.js';
import type { GatewayState } from './http/state.js';
import type { Logger } from './logging.js';
import type { MlflowClient } from './mlflow/client.js';
import type { ExperimentNames } from './mlflow/names.js';
import type { RouteTable } from './mlflow/match.js';
import type { PageTokens } from './mlflow/page-token.js';
import type { Resolver } from './mlflow/resolve.js';
import type { BundleActivity } from './policy/activation.js';
import type { DecisionEngine } from './policy/engine.js';
import type { LiveData } from './policy/live-data.js';
import type { Upstream } from './proxy/upstream.js';
import type { GrantSource } from './store/grant-cache.js';
import type { GrantRepository } from './store/types.js';

export interface AppDeps {
  readonly logger: Logger;
  /** In order; the first that recognises its credential decides (auth/build.ts builds them from the config). */
  readonly authenticators: readonly Authenticator[];
  /** Failed-credential throttling over every authenticator's outcome (auth/throttle/); absent: off. */
  readonly throttle?: ThrottleGuard;
  /** server.trusted_proxies: whose X-Forwarded-Proto says the request came over TLS. */
  readonly trustedProxies: readonly string[];
  /** Browser sessions (the session named by the request's cookie); absent: no sessions. */
  readonly sessions?: InstalledSessions;
  /** session.allowed_origins: other origins whose pages may send state-changing requests with a session cookie. */
  readonly allowedOrigins: readonly string[];
  /** Browser login (login, callback, logout routes) and where a browser is sent to log in; absent: no login. */
  readonly login?: { readonly router: Router<GatewayState>; readonly loginPath: string };
  /** The gateway's own API under /_mlgate/api/, for signed-in callers. */
  readonly apiRoutes?: Router<GatewayState>;
  readonly routes: RouteTable;
  readonly resolver: Resolver;
  readonly grantSource: GrantSource;
  readonly grants: GrantRepository;
  readonly engine: DecisionEngine;
  /** Why the latest new policy bundle was refused, for readiness. */
  readonly bundleActivity?: () => BundleActivity;
  readonly upstream: Upstream;
  readonly client: MlflowClient;
  readonly pingStore: () => Promise<void>;
  readonly maxBodyBytes: number;
  /** server.max_artifact_upload_bytes: largest streamed artifact upload. */
  readonly maxArtifactUploadBytes: number;
  readonly maxResources: number;
  readonly searchMaxPages: number;
  /** server.body_idle_timeout_ms: longest silence while a request body is incoming. */
  readonly bodyIdleTimeoutMs: number;
  /** Page tokens of filtered searches, sealed with a key from session.secret_key. */
  readonly pageTokens: PageTokens;
  /** Experiment names for regex rules (src/mlflow/names.ts); absent: targets carry no names. */
  readonly names?: ExperimentNames;
  /** Live permission data (src/policy/live-data.ts): refuses requests when too stale, reported by readiness. */
  readonly liveData?: LiveData;
  readonly now?: () => Date;
}

export function createApp(deps: AppDeps): Koa<GatewayState> {
  const app = new Koa<GatewayState>();
  const liveData = deps.liveData;
  const challenge = challengeStage({
    challenges: deps.authenticators.flatMap((a) => (a.challenge === null ? [] : [a.challenge])),
    loginPath: deps.login?.loginPath ?? null,
  });
  // Who is calling; a 401 gets every challenge (or a browser navigation the login page); a session cookie may not
  // be used cross-site.
  const authenticated: Middleware<GatewayState>[] = [
    challenge,
    authenticateStage(deps),
    originCheckStage(deps.allowedOrigins),
  ];

  // Pre-auth: every request.
  app.use(requestContext(deps.logger, deps.now)); // request id, time, logger, access log
  app.use(bodyTimeoutStage(deps.bodyIdleTimeoutMs)); // a body that stalls cuts the connection
  app.use(errorBoundary()); // the one place errors become responses
  app.use(decodePathStage()); // the path as MLflow sees it (percent-decoded)
  app.use(transportStage(deps.trustedProxies)); // over TLS? (the Secure cookie flag)
  if (deps.sessions !== undefined) {
    // The session named by the cookie, if any (checked for expiry, revocation).
    app.use(sessionStage(deps.sessions.stage(app), loginRouteTest(deps.login?.router ?? null)));
  }
  app.use(
    branch({
      health: healthRoutes({
        policyStatus: () => deps.engine.status(),
        ...(liveData === undefined ? {} : { permissionData: () => liveData.status() }),
        ...(deps.bundleActivity === undefined ? {} : { bundleActivity: deps.bundleActivity }),
        pingStore: deps.pingStore,
      }),
      login: deps.login?.router ?? null,
      api: [
        ...authenticated,
        requireAuthenticatedStage(),
        ...(deps.apiRoutes === undefined ? [] : [deps.apiRoutes.routes()]),
      ],
      mlflow: [
        ...authenticated, // 1. who is calling
        matchRouteStage(deps.routes), // 2. what is being asked
        readParamsStage(deps), //    ... and with which parameters (read like MLflow)
        graphqlDocumentStage(deps), //    ... and for GraphQL, which fields of which operations
        resolveTargetsStage(deps), // 3. which resources, and the caller's grants
        authorizeStage(deps), // 4. is it allowed (the policy decides)
        stampIdentityStage(), // a run's author is the caller, whatever the client filled in
        forwardStage(deps), // proxy to MLflow (streamed / filtered / captured)
      ],
    }),
  );
  return app;
}

/**
 * The session stage, skipped for a request without cookies outside the login routes: it names no session, and only
 * the login routes create one, while koa-session would still draw a new session id for it (the MLflow client's
 * every request).
 */
function sessionStage(
  load: Middleware<GatewayState>,
  isLoginRoute: (path: string) => boolean,
): Middleware<GatewayState> {
  return async (ctx, next) => {
    if (ctx.get('cookie') === '' && branchOf(ctx.state.path, isLoginRoute) !== 'login') {
      ctx.state.session = null;
      await next();
    } else {
      await load(ctx, next);
    }
  };
}
