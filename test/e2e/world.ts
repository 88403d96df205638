/**
 * The real system the end-to-end suites run against, started once for the
 * whole run: FerretDB, an MLflow tracking server and mlgate, with users,
 * tokens, a shared experiment and grants created through the CLI and the
 * gateway, exactly as an operator would.
 */
import { join } from 'node:path';

import {
  type FerretDB,
  type Service,
  newSecretKey,
  runCli,
  startFerretDB,
  startMlflow,
  startMlgate,
} from '../../scripts/services.js';
import { tempDir } from '../helpers/tmp.js';

export interface Credentials {
  readonly username: string;
  readonly token: string;
}

export interface World {
  dir: string;
  ferret: FerretDB;
  mlflow: Service;
  gateway: Service;
  /** Environment for the CLI and for further gateways (store and upstream). */
  env: Record<string, string>;
  users: Record<'admin' | 'groupAdmin' | 'editor' | 'reader' | 'outsider' | 'teammate', Credentials>;
  /** Experiment "shared", created by admin through the gateway; editor EDIT, reader READ, team-x EDIT. */
  sharedExperimentId: string;
}

export const world = {} as World;
const services: Service[] = [];
const tmp = tempDir('e2e');

export async function cli(args: string[], env: Record<string, string> = world.env): Promise<string> {
  const result = await runCli(args, env);
  if (result.code !== 0) {
    throw new Error(`mlgate ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  }
  return result.stdout.trim();
}

export function basic(credentials: Credentials): string {
  return 'Basic ' + Buffer.from(`${credentials.username}:${credentials.token}`).toString('base64');
}

/** Starts another gateway on the shared store and MLflow, with extra settings. */
export async function startExtraGateway(name: string, env: Record<string, string> = {}): Promise<Service> {
  const gateway = await startMlgate(join(world.dir, name), { ...world.env, ...env });
  services.push(gateway);
  return gateway;
}

export async function startWorld(): Promise<void> {
  world.dir = tmp.path;
  world.ferret = await startFerretDB(join(tmp.path, 'ferretdb'));
  services.push(world.ferret);
  world.mlflow = await startMlflow(join(tmp.path, 'mlflow'));
  services.push(world.mlflow);
  world.env = {
    MONGODB_URI: world.ferret.uri,
    MLGATE_MONGODB_DATABASE: 'e2e',
    MLGATE_UPSTREAM_URL: world.mlflow.url,
    SECRET_KEY: newSecretKey(),
    // Grant and token changes take effect at once (staleness is tested separately).
    MLGATE_CACHE_TTL_MS: '0',
    MLGATE_LOGGING_LEVEL: 'debug',
    // Suites send wrong credentials on purpose, all from 127.0.0.1: throttling is tested on gateways of its own
    // (tokens.test.ts).
    MLGATE_THROTTLE_ENABLED: 'false',
  };
  world.gateway = await startMlgate(join(tmp.path, 'gateway'), world.env);
  services.push(world.gateway);

  await cli(['user', 'create', 'admin', '--admin']);
  await cli(['user', 'create', 'group-admin', '--group', 'mlflow-admin']);
  await cli(['user', 'create', 'editor']);
  await cli(['user', 'create', 'reader']);
  await cli(['user', 'create', 'outsider']);
  await cli(['user', 'create', 'teammate', '--group', 'team-x']);
  const token = (username: string) => cli(['token', 'create', username]);
  world.users = {
    admin: { username: 'admin', token: await token('admin') },
    groupAdmin: { username: 'group-admin', token: await token('group-admin') },
    editor: { username: 'editor', token: await token('editor') },
    reader: { username: 'reader', token: await token('reader') },
    outsider: { username: 'outsider', token: await token('outsider') },
    teammate: { username: 'teammate', token: await token('teammate') },
  };

  const created = await fetch(`${world.gateway.url}/api/2.0/mlflow/experiments/create`, {
    method: 'POST',
    headers: { authorization: basic(world.users.admin), 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'shared' }),
  });
  if (!created.ok) {
    throw new Error(`cannot create the shared experiment: ${created.status} ${await created.text()}`);
  }
  world.sharedExperimentId = ((await created.json()) as { experiment_id: string }).experiment_id;
  const id = world.sharedExperimentId;
  await cli(['grant', '--experiment', id, '--user', 'editor', '--permission', 'EDIT']);
  await cli(['grant', '--experiment', id, '--user', 'reader', '--permission', 'READ']);
  await cli(['grant', '--experiment', id, '--group', 'team-x', '--permission', 'EDIT']);
}

export async function stopWorld(): Promise<void> {
  for (const service of services.reverse()) {
    await service.stop();
  }
  if (process.env['KEEP_E2E_DIR'] === undefined) {
    tmp.remove();
  } else {
    console.log(`test directory kept: ${tmp.path}`);
  }
}
