/** The baseline: a plain MLflow server (one worker, SQLite), no authentication and no permissions. */
import { startMlflow } from '../../scripts/services.js';
import type { Target } from './target.js';

export async function startDirect(dir: string): Promise<Target> {
  const mlflow = await startMlflow(dir, { workers: 1 });
  return {
    name: 'direct',
    description: 'plain `mlflow server --workers 1`, SQLite store, proxied artifacts on local disk; no authentication',
    url: mlflow.url,
    adminAuthorization: undefined,
    userAuthorization: undefined,
    grant: () => Promise.resolve(),
    pids: () => [mlflow.process.pid as number],
    stop: () => mlflow.stop(),
  };
}
