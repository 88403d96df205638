/**
 * `make demo`: FerretDB, an MLflow server and mlgate on embedded defaults,
 * an administrator and a demo user with access tokens, and how to use them
 * from the MLflow Python client. Stops everything on Ctrl-C.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import {
  ROOT,
  type Service,
  VENV,
  persistentSecretKey,
  runCli,
  startFerretDB,
  startMlflow,
  startMlgate,
} from './services.js';

const dir = process.env['DEMO_DIR'] ?? join(ROOT, '.run', 'demo');
const port = process.env['DEMO_PORT'] ?? '8080';

async function cli(args: string[], env: Record<string, string>): Promise<string> {
  const result = await runCli(args, env);
  if (result.code !== 0) {
    throw new Error(`mlgate ${args.join(' ')} failed: ${result.stderr.trim()}`);
  }
  return result.stdout.trim();
}

function basic(username: string, token: string): string {
  return 'Basic ' + Buffer.from(`${username}:${token}`).toString('base64');
}

async function main(): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  const services: Service[] = [];
  const stopAll = async (): Promise<void> => {
    for (const service of services.reverse()) {
      await service.stop();
    }
  };
  try {
    console.log('Starting FerretDB (MongoDB wire protocol) ...');
    const ferret = await startFerretDB(dir);
    services.push(ferret);
    console.log('Starting the MLflow tracking server (SQLite, proxied artifacts) ...');
    const mlflow = await startMlflow(dir);
    services.push(mlflow);
    const env = {
      MONGODB_URI: ferret.uri,
      MLGATE_UPSTREAM_URL: mlflow.url,
      MLGATE_LOGGING_FORMAT: 'text',
      SECRET_KEY: persistentSecretKey(dir),
    };
    console.log(`Starting mlgate on port ${port} ...`);
    const gateway = await startMlgate(dir, { ...env, MLGATE_SERVER_PORT: port });
    services.push(gateway);

    await cli(['user', 'create', 'admin', '--admin'], env);
    await cli(['user', 'create', 'alice', '--group', 'team-a'], env);
    const adminToken = await cli(['token', 'create', 'admin', '--name', 'demo'], env);
    const aliceToken = await cli(['token', 'create', 'alice', '--name', 'demo', '--expires-in', '30d'], env);

    const created = await fetch(`${gateway.url}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: { authorization: basic('admin', adminToken), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'shared-demo' }),
    });
    if (!created.ok) {
      throw new Error(`creating the demo experiment through mlgate failed: ${created.status} ${await created.text()}`);
    }
    const experimentId = ((await created.json()) as { experiment_id: string }).experiment_id;
    await cli(['grant', '--experiment', experimentId, '--group', 'team-a', '--permission', 'EDIT'], env);

    const check = await fetch(`${gateway.url}/api/2.0/mlflow/experiments/get?experiment_id=${experimentId}`, {
      headers: { authorization: basic('alice', aliceToken) },
    });
    if (!check.ok) {
      throw new Error(`the demo user cannot read the demo experiment: ${check.status} ${await check.text()}`);
    }

    const python = join(VENV, 'python');
    console.log(`
mlgate is running at ${gateway.url}, in front of MLflow at ${mlflow.url} (use mlgate, not MLflow directly).

  administrator   admin / ${adminToken}
  demo user       alice / ${aliceToken}
                  member of group team-a, which has EDIT on experiment "shared-demo" (id ${experimentId});
                  experiments alice creates are hers (MANAGE); others are refused.

Use it from the MLflow Python client (the project venv has MLflow):

  export MLFLOW_TRACKING_URI=${gateway.url}
  export MLFLOW_TRACKING_USERNAME=alice
  export MLFLOW_TRACKING_PASSWORD=${aliceToken}
  ${python} - <<'PY'
import mlflow
mlflow.set_experiment("shared-demo")
with mlflow.start_run():
    mlflow.log_param("key", "value")
    mlflow.log_metric("accuracy", 0.93)
print(mlflow.search_runs(experiment_names=["shared-demo"])[["run_id", "metrics.accuracy"]])
PY

List or revoke your own access tokens through the gateway (docs/identity.md):

  curl -u alice:${aliceToken} ${gateway.url}/_mlgate/api/tokens
  curl -u alice:${aliceToken} -X DELETE ${gateway.url}/_mlgate/api/tokens/<id>

Manage users, tokens and grants (same store):

  export SECRET_KEY=$(cat ${join(dir, 'secret_key')}) MONGODB_URI=${ferret.uri}
  node dist/src/cli/main.js grant --experiment ${experimentId} --user alice --permission READ
  node dist/src/cli/main.js token create alice --name laptop --expires-in 30d
  node dist/src/cli/main.js help

Logs: ${dir}/*.log    Stop: Ctrl-C
`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    console.log('Stopping ...');
  } finally {
    await stopAll();
  }
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${(error as Error).message}`);
  console.error(`logs: ${dir}`);
  process.exitCode = 1;
});
