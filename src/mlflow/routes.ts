/**
 * The MLflow route catalogue: one row per MLflow endpoint the gateway knows, one file per family under
 * catalogue/. A request matching no row is an unknown route, and only administrators may make it (decided by
 * the policy).
 *
 * Source: the installed MLflow's Flask url map and FastAPI routers (scripts/mlflow-routes.py); every protobuf
 * endpoint is served under both /api/<v> (clients) and /ajax-api/<v> (web UI).
 */
import { EXPERIMENT_ROUTES } from './catalogue/experiments.js';
import { RUN_ROUTES } from './catalogue/runs.js';
import { SERVER_ROUTES } from './catalogue/server.js';
import { UI_ROUTES } from './catalogue/ui.js';
import type { RouteSpec } from './route-spec.js';

export type { Handling, HttpMethod, RouteSpec, TargetSpec } from './route-spec.js';

export const ROUTES: readonly RouteSpec[] = [
  ...SERVER_ROUTES,
  ...EXPERIMENT_ROUTES,
  ...RUN_ROUTES,
  // Web UI and GraphQL (h/ui).
  ...UI_ROUTES,
];
