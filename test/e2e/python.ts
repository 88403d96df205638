/** Runs the real MLflow Python client (from the project venv) against the gateway. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { VENV } from '../../scripts/services.js';
import { type Credentials, world } from './world.js';

const PRELUDE = `
import json, sys, warnings
warnings.filterwarnings("ignore")
import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

def attempt(fn):
    try:
        return {"ok": True, "value": fn()}
    except MlflowException as e:
        return {"ok": False, "error_code": e.error_code, "status": e.get_http_status_code(), "message": str(e)}

results = {}
`;

export interface Attempt<T = unknown> {
  readonly ok: boolean;
  readonly value?: T;
  readonly error_code?: string;
  readonly status?: number;
  readonly message?: string;
}

/**
 * Runs `script` (which fills the dict `results`) as `credentials` (username and access token, or a bearer JWT
 * as MLFLOW_TRACKING_TOKEN) with MLFLOW_TRACKING_URI pointing at the gateway, and returns `results`.
 */
export function runClient(
  credentials: Credentials | { readonly bearer: string } | null,
  script: string,
  gatewayUrl: string = world.gateway.url,
): Promise<Record<string, Attempt & Record<string, unknown>>> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    MLFLOW_TRACKING_URI: gatewayUrl,
    MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0',
    MLFLOW_HTTP_REQUEST_TIMEOUT: '30',
    MLFLOW_DISABLE_TELEMETRY: 'true',
    DO_NOT_TRACK: 'true',
  };
  delete env['MLFLOW_TRACKING_USERNAME'];
  delete env['MLFLOW_TRACKING_PASSWORD'];
  delete env['MLFLOW_TRACKING_TOKEN'];
  if (credentials !== null && 'bearer' in credentials) {
    // What a user of a JWT sets: the client sends "Authorization: Bearer <token>".
    env['MLFLOW_TRACKING_TOKEN'] = credentials.bearer;
  } else if (credentials !== null) {
    env['MLFLOW_TRACKING_USERNAME'] = credentials.username;
    env['MLFLOW_TRACKING_PASSWORD'] = credentials.token;
  }
  const code = `${PRELUDE}\n${script}\nprint("RESULTS " + json.dumps(results, default=str))\n`;
  return new Promise((resolve, reject) => {
    const child = spawn(join(VENV, 'python'), ['-c', code], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULTS '));
      if (status !== 0 || line === undefined) {
        reject(new Error(`python client failed (${status}):\n${stderr}\n${stdout}`));
        return;
      }
      resolve(JSON.parse(line.slice('RESULTS '.length)) as Record<string, Attempt & Record<string, unknown>>);
    });
  });
}
