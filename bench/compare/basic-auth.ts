/**
 * MLflow's own `basic-auth` app (the same MLflow, `--app-name basic-auth`, one worker, SQLite), configured by its
 * basic_auth.ini: an administrator, default_permission NO_PERMISSIONS (the user reads only what is granted), and
 * its credential cache (`auth_cache_ttl_seconds`, 0 by default: every request checks the password's PBKDF2 hash).
 * Users are created with its users/create API and permissions granted with its v3 users/permissions/grant API.
 *
 * Each variant runs on its own copy of one store: the store is set up once, through the API, by a server with the
 * cache on (1,000 creations at ~0.3 s of hashing each would take minutes with it off), then copied.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { VENV, type Service, startMlflow } from '../../scripts/services.js';
import { basic, callJson } from './api.js';
import type { Fixture } from './setup.js';
import type { Target } from './target.js';

export interface BasicAuthVariant {
  readonly name: string;
  /** basic_auth.ini `auth_cache_ttl_seconds` (0 disables the cache, MLflow's default). */
  readonly authCacheSeconds: number;
}

const ADMIN = 'admin';
const USER = 'bench-user';

interface Credentials {
  readonly adminPassword: string;
  readonly userPassword: string;
  readonly secretKey: string;
}

function requireAuthExtra(): void {
  try {
    execFileSync(join(VENV, 'python'), ['-c', 'import flask_wtf'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      "MLflow's basic-auth app needs its auth extra (Flask-WTF) in .venv: run `make bootstrap` " +
        '(scripts/mlflow-requirements.txt pins it).',
    );
  }
}

function writeConfig(dir: string, variant: BasicAuthVariant): string {
  const file = join(dir, 'basic_auth.ini');
  writeFileSync(
    file,
    [
      '[mlflow]',
      'default_permission = NO_PERMISSIONS',
      `database_uri = sqlite:///${join(dir, 'basic_auth.db')}`,
      `admin_username = ${ADMIN}`,
      'authorization_function = mlflow.server.auth:authenticate_request_basic_auth',
      `auth_cache_ttl_seconds = ${variant.authCacheSeconds}`,
      '',
    ].join('\n'),
  );
  return file;
}

async function startServer(dir: string, variant: BasicAuthVariant, credentials: Credentials): Promise<Service> {
  mkdirSync(dir, { recursive: true });
  return startMlflow(dir, {
    workers: 1,
    appName: 'basic-auth',
    env: {
      MLFLOW_AUTH_CONFIG_PATH: writeConfig(dir, variant),
      // Used only when the auth store has no administrator yet (the seed server).
      MLFLOW_AUTH_ADMIN_PASSWORD: credentials.adminPassword,
      MLFLOW_FLASK_SERVER_SECRET_KEY: credentials.secretKey,
    },
  });
}

function asTarget(name: string, variant: BasicAuthVariant, server: Service, credentials: Credentials): Target {
  const adminAuthorization = basic(ADMIN, credentials.adminPassword);
  return {
    name,
    description:
      `MLflow \`--app-name basic-auth\` (one worker, SQLite), default_permission NO_PERMISSIONS, ` +
      `auth_cache_ttl_seconds=${variant.authCacheSeconds}` +
      (variant.authCacheSeconds === 0 ? ' (the default: the password hash is checked on every request)' : ''),
    url: server.url,
    adminAuthorization,
    userAuthorization: basic(USER, credentials.userPassword),
    grant: async (experimentId, permission) => {
      await callJson(server.url, 'POST', '/api/3.0/mlflow/users/permissions/grant', adminAuthorization, {
        username: USER,
        resource_type: 'experiment',
        resource_id: experimentId,
        permission,
      });
    },
    pids: () => [server.process.pid as number],
    stop: () => server.stop(),
  };
}

/** Sets up one store with `populate` and starts one server per variant, each on its own copy of it. */
export async function startBasicAuthTargets(
  dir: string,
  variants: readonly BasicAuthVariant[],
  populate: (target: Target) => Promise<Fixture>,
): Promise<{ targets: Target[]; fixture: Fixture }> {
  requireAuthExtra();
  const credentials: Credentials = {
    adminPassword: randomBytes(18).toString('base64url'),
    userPassword: randomBytes(18).toString('base64url'),
    secretKey: randomBytes(24).toString('base64url'),
  };
  const seedDir = join(dir, 'seed');
  const seedVariant = { name: 'seed', authCacheSeconds: 60 };
  const seed = await startServer(seedDir, seedVariant, credentials);
  let fixture: Fixture;
  try {
    await callJson(seed.url, 'POST', '/api/2.0/mlflow/users/create', basic(ADMIN, credentials.adminPassword), {
      username: USER,
      password: credentials.userPassword,
    });
    fixture = await populate(asTarget('seed', seedVariant, seed, credentials));
  } finally {
    await seed.stop();
  }
  const targets: Target[] = [];
  try {
    for (const variant of variants) {
      const variantDir = join(dir, variant.name.replace(/[^a-z0-9-]/gi, '_'));
      cpSync(seedDir, variantDir, { recursive: true });
      targets.push(asTarget(variant.name, variant, await startServer(variantDir, variant, credentials), credentials));
    }
  } catch (error) {
    for (const target of targets) await target.stop();
    throw error;
  }
  return { targets, fixture };
}
