/**
 * The named chains every request goes through, as oauth2-proxy has them. The pre-auth chain (request id, error
 * boundary, decoded path, session loader) runs for every request; then exactly one branch:
 *
 * - health:  /_mlgate/health/*   liveness and readiness, never authenticated;
 * - login:   the login routes (/_mlgate/login, the OIDC callback, /_mlgate/logout): the session, no authentication;
 * - api:     /_mlgate/api/*      the gateway's own API: a signed-in caller, then its router;
 * - mlflow:  everything else     authenticate, decide, forward to MLflow.
 *
 * Any other /_mlgate/ path is a 404 and is never forwarded.
 */
import compose from 'koa-compose';
import type { Middleware } from 'koa';
import type Router from 'koa-router';

import { MlgateError } from '../errors.js';
import type { GatewayState } from './state.js';

export const OWN_PREFIX = '/_mlgate';
const HEALTH_PREFIX = `${OWN_PREFIX}/health/`;
const API_PREFIX = `${OWN_PREFIX}/api/`;

export interface Branches {
  readonly health: Router<GatewayState>;
  /** The login routes, or null when browser login is not configured. */
  readonly login: Router<GatewayState> | null;
  /** The stages of the gateway's own API, ending with its router. */
  readonly api: readonly Middleware<GatewayState>[];
  /** The MLflow pipeline. */
  readonly mlflow: readonly Middleware<GatewayState>[];
}

export type BranchName = 'health' | 'login' | 'api' | 'own' | 'mlflow';

/** Which branch a request takes (pure, given the login router's match). */
export function branchOf(path: string, isLoginRoute: (path: string) => boolean): BranchName {
  if (path.startsWith(HEALTH_PREFIX)) {
    return 'health';
  }
  if (isLoginRoute(path)) {
    return 'login';
  }
  if (path.startsWith(API_PREFIX)) {
    return 'api';
  }
  if (path === OWN_PREFIX || path.startsWith(OWN_PREFIX + '/')) {
    return 'own';
  }
  return 'mlflow';
}

/** Whether a path is one of the login routes (none without a login router). */
export function loginRouteTest(router: Router<GatewayState> | null): (path: string) => boolean {
  return router === null ? () => false : (path) => router.match(path, 'GET').path.length > 0;
}

export function branch(branches: Branches): Middleware<GatewayState> {
  const notFound = (): Promise<never> => Promise.reject(new MlgateError('MLGATE_NOT_FOUND'));
  const health = branches.health.routes();
  const login = branches.login?.routes();
  const api = compose([...branches.api]);
  const mlflow = compose([...branches.mlflow]);
  const isLoginRoute = loginRouteTest(branches.login);
  return async (ctx, next) => {
    switch (branchOf(ctx.state.path, isLoginRoute)) {
      case 'health':
        await health(ctx, notFound);
        return;
      case 'login':
        await (login as Middleware<GatewayState>)(ctx, notFound);
        return;
      case 'api':
        await api(ctx, notFound);
        return;
      case 'own':
        await notFound();
        return;
      case 'mlflow':
        await mlflow(ctx, next);
        return;
    }
  };
}
