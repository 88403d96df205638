/**
 * MLflow workspaces (X-MLflow-Workspace) are not modelled by the gateway yet: its look-ups, grants and filtered
 * searches all concern the default workspace. A request for another workspace would be decided on the wrong
 * resources, so it is refused (pure).
 */
import type { IncomingHttpHeaders } from 'node:http';

import { MlgateError } from '../errors.js';

export const WORKSPACE_HEADER = 'x-mlflow-workspace';
const DEFAULT_WORKSPACE = 'default';

export function requireDefaultWorkspace(headers: IncomingHttpHeaders): void {
  const value = headers[WORKSPACE_HEADER];
  if (value === undefined || value === '' || value === DEFAULT_WORKSPACE) {
    return;
  }
  throw new MlgateError(
    'MLGATE_REQUEST_INVALID',
    `mlgate does not support MLflow workspaces yet, so only the "${DEFAULT_WORKSPACE}" workspace can be used: ` +
      'remove the X-MLflow-Workspace header.',
  );
}
