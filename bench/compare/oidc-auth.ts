/**
 * mlflow-oidc-auth 11.0.2 (PyPI) as a system under test of `make bench-compare`: MLflow 3.17.2 run as
 * `mlflow server --app-name oidc-auth` from .tools/oidc-auth-venv (CPython 3.12, installed by
 * scripts/bench-anchors.sh), set up like the direct MLflow target (SQLite, one uvicorn worker, MLflow serving
 * artifacts). Only the plugin's access-token path is measured: callers send HTTP basic auth with a username and
 * an access token; no identity provider is configured, so its OIDC login stays off (it says so in its log).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { ROOT, freePort, launch, newSecretKey, stopper, waitFor } from '../../scripts/services.js';
import { processGroupPids } from './proc.js';
import type { ExperimentPermission, Target } from './target.js';

const VENV_BIN = join(ROOT, '.tools', 'oidc-auth-venv', 'bin');
const USERS_SCRIPT = join(ROOT, 'bench', 'compare', 'oidc-auth-users.py');
const ADMIN = 'bench-admin';
const USER = 'bench-user';

/**
 * The plugin's settings that decide its per-request cost and its answers, each written out even where it is
 * the plugin's default, so the run's record (docs/benchmarks.md) can quote them.
 */
export const OIDC_AUTH_SETTINGS: Readonly<Record<string, string>> = {
  // Deny what nobody granted (the plugin's default since 7.6), as mlgate does.
  DEFAULT_MLFLOW_PERMISSION: 'NO_PERMISSIONS',
  // Permission decisions are cached in the process for 30 s, up to 10,000 entries (its defaults). A grant made
  // through its REST API flushes that cache in the process that serves it, which with one worker is all of them.
  PERMISSION_CACHE_TTL_SECONDS: '30',
  PERMISSION_CACHE_MAX_SIZE: '10000',
  CACHE_BACKEND: 'local',
  // Without workspaces, as MLflow itself runs here.
  MLFLOW_ENABLE_WORKSPACES: 'false',
  // Audit events (grant changes, denials) go to its log, as by default.
  AUDIT_LOG_ENABLED: 'true',
};

function basic(username: string, token: string): string {
  return 'Basic ' + Buffer.from(`${username}:${token}`).toString('base64');
}

interface Credentials {
  readonly admin: { readonly username: string; readonly token: string };
  readonly user: { readonly username: string; readonly token: string };
}

/** Creates the administrator and the user with their access tokens in the plugin's database (see the script). */
async function createUsers(env: Readonly<Record<string, string>>, dir: string): Promise<Credentials> {
  const { stdout } = await promisify(execFile)(join(VENV_BIN, 'python'), [USERS_SCRIPT, ADMIN, USER], {
    cwd: dir,
    env: { ...process.env, ...env },
  });
  return JSON.parse(stdout) as Credentials;
}

/** The versions the venv holds, read from it (for the benchmark's record): Python, MLflow and the plugin. */
export async function oidcAuthVersions(): Promise<{ python: string; mlflow: string; plugin: string }> {
  const script =
    'import json, platform, importlib.metadata as m; ' +
    'print(json.dumps({"python": platform.python_version(), "mlflow": m.version("mlflow"), "plugin": m.version("mlflow-oidc-auth")}))';
  const { stdout } = await promisify(execFile)(join(VENV_BIN, 'python'), ['-c', script]);
  return JSON.parse(stdout) as { python: string; mlflow: string; plugin: string };
}

/** Starts mlflow-oidc-auth on a free port, with its databases and log in `dir` (new or empty). */
export async function startOidcAuth(dir: string): Promise<Target> {
  if (!existsSync(join(VENV_BIN, 'mlflow'))) {
    throw new Error(`mlflow-oidc-auth is not installed in ${VENV_BIN}: run scripts/bench-anchors.sh`);
  }
  const usersDb = join(dir, 'oidc-auth.db');
  if (existsSync(usersDb)) {
    throw new Error(`${usersDb} exists: start mlflow-oidc-auth in an empty directory (its users are created anew)`);
  }
  mkdirSync(dir, { recursive: true });
  const env: Record<string, string> = {
    ...OIDC_AUTH_SETTINGS,
    OIDC_USERS_DB_URI: `sqlite:///${usersDb}`,
    SECRET_KEY: newSecretKey(),
    // As scripts/services.ts starts MLflow.
    MLFLOW_DISABLE_TELEMETRY: 'true',
    DO_NOT_TRACK: 'true',
    PYTHONUNBUFFERED: '1',
    MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false',
  };
  const credentials = await createUsers(env, dir);
  const port = await freePort();
  const { child } = launch(
    'mlflow-oidc-auth',
    dir,
    join(VENV_BIN, 'mlflow'),
    [
      'server',
      '--app-name',
      'oidc-auth',
      '--backend-store-uri',
      `sqlite:///${join(dir, 'mlflow.db')}`,
      '--artifacts-destination',
      join(dir, 'mlflow-artifacts'),
      '--serve-artifacts',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--workers',
      '1',
    ],
    env,
  );
  const stop = stopper(child);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor('mlflow-oidc-auth', async () => (await fetch(`${url}/health/live`)).ok, 180_000, child);
  } catch (error) {
    await stop();
    throw error;
  }
  const adminAuthorization = basic(credentials.admin.username, credentials.admin.token);

  async function grant(experimentId: string, permission: ExperimentPermission): Promise<void> {
    const path = `${url}/api/2.0/mlflow/permissions/users/${USER}/experiments/${encodeURIComponent(experimentId)}`;
    const send = (method: string): Promise<Response> =>
      fetch(path, {
        method,
        headers: { authorization: adminAuthorization, 'content-type': 'application/json' },
        body: JSON.stringify({ permission }),
      });
    // A grant is created once and changed afterwards: creating it again answers 409.
    let response = await send('POST');
    if (response.status === 409) {
      response = await send('PATCH');
    }
    if (!response.ok) {
      throw new Error(
        `mlflow-oidc-auth refused to grant ${permission} on experiment ${experimentId}: ${response.status} ${await response.text()}`,
      );
    }
  }

  const versions = await oidcAuthVersions();
  return {
    name: 'mlflow-oidc-auth',
    description:
      `mlflow-oidc-auth ${versions.plugin} (\`mlflow server --app-name oidc-auth --workers 1\`, MLflow ${versions.mlflow}, ` +
      `Python ${versions.python} from scripts/bench-anchors.sh), Basic with its access tokens; ` +
      Object.entries(OIDC_AUTH_SETTINGS)
        .map(([k, v]) => `${k}=${v}`)
        .join(', '),
    url,
    adminAuthorization,
    userAuthorization: basic(credentials.user.username, credentials.user.token),
    grant,
    pids: () => (child.pid === undefined ? [] : processGroupPids(child.pid)),
    stop,
  };
}
