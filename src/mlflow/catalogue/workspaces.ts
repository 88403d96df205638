/**
 * Workspaces (h/gateway). mlgate serves only the `default` workspace (src/mlflow/workspace.ts refuses any other
 * X-MLflow-Workspace header), so listing and reading are open to authenticated callers, as MLflow's auth leaves
 * them with workspaces disabled, and managing workspaces is for administrators, as in MLflow's auth.
 */
import { API_3, route, type RouteSpec } from '../route-spec.js';

export const WORKSPACE_ROUTES: readonly RouteSpec[] = [
  route('ListWorkspaces', 'GET', '/mlflow/workspaces', API_3),
  route('CreateWorkspace', 'POST', '/mlflow/workspaces', API_3),
  route('GetWorkspace', 'GET', '/mlflow/workspaces/<workspace_name>', API_3),
  route('UpdateWorkspace', 'PATCH', '/mlflow/workspaces/<workspace_name>', API_3),
  route('DeleteWorkspace', 'DELETE', '/mlflow/workspaces/<workspace_name>', API_3),
];
