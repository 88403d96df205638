/**
 * The gateway's request pipeline, in order. Every request to MLflow passes
 * every stage; the gateway's own endpoints live under /_mlgate/.
 */
import Koa from 'koa';

import type { Authenticator } from './auth/principal.js';
import { authenticateStage } from './http/authenticate.js';
import { authorizeStage } from './http/authorize.js';
import { bodyTimeoutStage } from './http/body-timeout.js';
import { errorBoundary } from './http/error-boundary.js';
import { forwardStage } from './http/forward.js';
import { graphqlDocumentStage } from './http/graphql-document.js';
import { healthRoutes } from './http/health-routes.js';
import { decodePathStage, matchRouteStage } from './http/match-route.js';
import { ownRoutes } from './http/own-routes.js';
import { readParamsStage } from './http/read-params.js';
import { requestContext } from './http/request-context.js';
import { resolveTargetsStage } from './http/resolve-targets.js';
import { stampIdentityStage } from './http/stamp-identity.js';
import type { GatewayState } from './http/state.js';
import type { Logger } from './logging.js';
import type { MlflowClient } from './mlflow/client.js';
import type { RouteTable } from './mlflow/match.js';
import type { PageTokens } from './mlflow/page-token.js';
import type { Resolver } from './mlflow/resolve.js';
import type { DecisionEngine } from './policy/engine.js';
import type { Upstream } from './proxy/upstream.js';
import type { GrantSource } from './store/grant-cache.js';
import type { GrantRepository } from './store/types.js';

export interface AppDeps {
  readonly logger: Logger;
  readonly authenticators: readonly Authenticator[];
  readonly realm: string;
  readonly routes: RouteTable;
  readonly resolver: Resolver;
  readonly grantSource: GrantSource;
  readonly grants: GrantRepository;
  readonly engine: DecisionEngine;
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
  readonly now?: () => Date;
}

export function createApp(deps: AppDeps): Koa<GatewayState> {
  const app = new Koa<GatewayState>();
  const health = healthRoutes({ policyStatus: () => deps.engine.status(), pingStore: deps.pingStore });

  app.use(requestContext(deps.logger, deps.now)); // request id, time, logger, access log
  app.use(bodyTimeoutStage(deps.bodyIdleTimeoutMs)); // a body that stalls cuts the connection
  app.use(errorBoundary()); // the one place errors become responses
  app.use(decodePathStage()); // the path as MLflow sees it (percent-decoded)
  app.use(ownRoutes(health)); // /_mlgate/health/{live,ready}; any other /_mlgate/ path: 404, never proxied
  app.use(authenticateStage(deps)); // 1. who is calling
  app.use(matchRouteStage(deps.routes)); // 2. what is being asked
  app.use(readParamsStage(deps)); //    ... and with which parameters (read like MLflow)
  app.use(graphqlDocumentStage(deps)); //    ... and for GraphQL, which fields of which operations
  app.use(resolveTargetsStage(deps)); // 3. which resources, and the caller's grants
  app.use(authorizeStage(deps)); // 4. is it allowed (the policy decides)
  app.use(stampIdentityStage()); // a run's author is the caller, whatever the client filled in
  app.use(forwardStage(deps)); // proxy to MLflow (streamed / filtered / captured)
  return app;
}
