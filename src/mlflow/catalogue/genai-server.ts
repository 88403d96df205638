/**
 * Routes MLflow serves that belong to no resource (h/genai): the demo data and routes MLflow declares but does
 * not implement in its open-source server. See docs/routes-genai.md.
 */
import { API_2, API_3, route, type RouteSpec } from '../route-spec.js';

const AJAX_3: readonly string[] = [API_3[1] as string];

export const GENAI_SERVER_ROUTES: readonly RouteSpec[] = [
  // Demo data: generating writes an experiment, traces, prompts and datasets as the server (into an existing demo
  // experiment the caller may hold no grant on, and granting the caller nothing); deleting hard-deletes it.
  route('GenerateDemo', 'POST', '/mlflow/demo/generate', AJAX_3),
  route('DeleteDemo', 'POST', '/mlflow/demo/delete', AJAX_3),
  // Declared by MLflow's protos for Databricks, not implemented by the open-source server (no handler).
  route('SearchUnifiedTraces', 'GET', '/mlflow/unified-traces', API_2),
  route('GetOnlineTraceDetails', 'GET', '/mlflow/get-online-trace-details', API_2),
  // The proto's path lacks its leading "/", so MLflow serves `/api/2.0mlflow/…` (unimplemented); the real
  // dataset search is /ajax-api/2.0/mlflow/experiments/search-datasets (experiments.ts).
  route('SearchDatasetsUnprefixed', 'POST', 'mlflow/experiments/search-datasets', API_2),
];
