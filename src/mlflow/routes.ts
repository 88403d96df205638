/**
 * The MLflow route catalogue: one row per MLflow endpoint the gateway knows, one file per family under
 * catalogue/. A request matching no row is an unknown route, and only administrators may make it (decided by
 * the policy).
 *
 * Source: the installed MLflow's Flask url map and FastAPI routers (scripts/mlflow-routes.py); every protobuf
 * endpoint is served under both /api/<v> (clients) and /ajax-api/<v> (web UI).
 */
import { DATASET_ROUTES } from './catalogue/datasets.js';
import { ARTIFACT_ROUTES } from './catalogue/artifacts.js';
import { EXPERIMENT_ROUTES } from './catalogue/experiments.js';
import { LOGGED_MODEL_ROUTES } from './catalogue/logged-models.js';
import { REGISTRY_ROUTES } from './catalogue/registry.js';
import { RUN_ROUTES } from './catalogue/runs.js';
import { SERVER_ROUTES } from './catalogue/server.js';
import { TRACE_ROUTES } from './catalogue/traces.js';
import { UI_ROUTES } from './catalogue/ui.js';
// AI gateway, webhooks, MCP servers, assistant, workspaces (h/gateway).
import { ASSISTANT_ROUTES } from './catalogue/assistant.js';
import { GATEWAY_ROUTES } from './catalogue/gateway.js';
import { MCP_SERVER_ROUTES } from './catalogue/mcp-servers.js';
import { WEBHOOK_ROUTES } from './catalogue/webhooks.js';
import { WORKSPACE_ROUTES } from './catalogue/workspaces.js';
import type { RouteSpec } from './route-spec.js';
// GenAI: scorers, review, jobs, demo and unimplemented routes (h/genai).
import { GENAI_SERVER_ROUTES } from './catalogue/genai-server.js';
import { JOB_ROUTES } from './catalogue/jobs.js';
import { REVIEW_ROUTES } from './catalogue/review.js';
import { SCORER_ROUTES } from './catalogue/scorers.js';

export type { Handling, HttpMethod, RouteSpec, TargetSpec } from './route-spec.js';

export const ROUTES: readonly RouteSpec[] = [
  ...SERVER_ROUTES,
  ...EXPERIMENT_ROUTES,
  ...RUN_ROUTES,
  // Traces and evaluation datasets (h/tracking).
  ...TRACE_ROUTES,
  ...DATASET_ROUTES,
  // Logged models and artifacts (h/artifacts).
  ...LOGGED_MODEL_ROUTES,
  ...ARTIFACT_ROUTES,
  // Web UI and GraphQL (h/ui).
  ...UI_ROUTES,
  // GenAI: scorers, review, jobs, demo and unimplemented routes (h/genai).
  ...SCORER_ROUTES,
  ...REVIEW_ROUTES,
  ...JOB_ROUTES,
  ...GENAI_SERVER_ROUTES,
  // The model registry and prompts (h/registry).
  ...REGISTRY_ROUTES,
  // AI gateway, webhooks, MCP servers, assistant, workspaces (h/gateway).
  ...GATEWAY_ROUTES,
  ...WEBHOOK_ROUTES,
  ...MCP_SERVER_ROUTES,
  ...ASSISTANT_ROUTES,
  ...WORKSPACE_ROUTES,
];
