/**
 * Starts the real components on loopback for the demo, the tests and the
 * benchmarks: FerretDB (MongoDB wire protocol, SQLite backend), an MLflow
 * tracking server from the project venv, and mlgate itself. Each runs as a
 * child process with its log in the given directory and is stopped (and
 * killed if need be) on stop() or when this process exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

import { packageRoot } from '../src/paths.js';
import { compiledPath } from './code-snapshot.js';

export interface Service {
  readonly url: string;
  readonly logFile: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) {
    signalGroup(child, 'SIGKILL');
  }
});

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) {
    return;
  }
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

export const ROOT = packageRoot();
export const TOOLS = join(ROOT, '.tools', 'bin');
export const VENV = join(ROOT, '.venv', 'bin');

/** A TCP port that is free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  child?: ChildProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child !== undefined && child.exitCode !== null) {
      throw new Error(`${what} exited with code ${child.exitCode} before it was ready`);
    }
    try {
      if (await check()) {
        return;
      }
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} was not ready after ${timeoutMs} ms`);
}

export function launch(
  name: string,
  dir: string,
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; logFile: string } {
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, `${name}.log`);
  const log = openSync(logFile, 'a');
  // Each service leads its own process group, so stopping it also stops what it spawned.
  const child = spawn(command, args, {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
    detached: true,
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return { child, logFile };
}

export function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve();
        return;
      }
      const kill = setTimeout(() => signalGroup(child, 'SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(kill);
        // Whatever the leader left behind goes too.
        signalGroup(child, 'SIGKILL');
        resolve();
      });
      signalGroup(child, 'SIGTERM');
    });
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url);
  return response.ok;
}

export interface FerretDB extends Service {
  /** MongoDB connection string. */
  readonly uri: string;
}

/** FerretDB v1 with the SQLite backend, telemetry disabled, on loopback. */
export async function startFerretDB(dir: string): Promise<FerretDB> {
  const port = await freePort();
  mkdirSync(join(dir, 'ferretdb-data'), { recursive: true });
  const { child, logFile } = launch('ferretdb', dir, join(TOOLS, 'ferretdb'), [
    '--handler=sqlite',
    `--sqlite-url=file:${join(dir, 'ferretdb-data')}/`,
    `--state-dir=${dir}`,
    `--listen-addr=127.0.0.1:${port}`,
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=warn',
  ]);
  await waitFor('FerretDB', () => tcpOpen(port), 30_000, child);
  const uri = `mongodb://127.0.0.1:${port}/`;
  return { url: uri, uri, logFile, process: child, stop: stopper(child) };
}

export interface MlflowOptions {
  readonly port?: number;
  readonly workers?: number;
  /** `--app-name`: an MLflow server plugin such as `basic-auth` (default: none, the plain server). */
  readonly appName?: string;
  /** The `mlflow` executable (default: the project venv's); another venv's for a plugin that pins its own MLflow. */
  readonly executable?: string;
  /** Environment on top of the defaults (a plugin's settings). */
  readonly env?: Readonly<Record<string, string>>;
}

/** An MLflow tracking server (SQLite backend, proxied artifacts) from the project venv. */
export async function startMlflow(dir: string, options: MlflowOptions = {}): Promise<Service> {
  const port = options.port ?? (await freePort());
  const { child, logFile } = launch(
    'mlflow',
    dir,
    options.executable ?? join(VENV, 'mlflow'),
    [
      'server',
      ...(options.appName === undefined ? [] : ['--app-name', options.appName]),
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
      String(options.workers ?? 1),
    ],
    {
      MLFLOW_DISABLE_TELEMETRY: 'true',
      DO_NOT_TRACK: 'true',
      PYTHONUNBUFFERED: '1',
      // The background job runner (GenAI jobs) is not needed and adds a dozen processes.
      MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false',
      ...options.env,
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor('MLflow', () => httpOk(`${url}/health`), 120_000, child);
  return { url, logFile, process: child, stop: stopper(child) };
}

/** Any other server as a child process (log in `dir`), ready once `readyUrl` answers 2xx. */
export async function startProcess(
  name: string,
  dir: string,
  command: string,
  args: readonly string[],
  options: { readonly readyUrl: string; readonly env?: Readonly<Record<string, string>>; readonly timeoutMs?: number },
): Promise<Service> {
  const { child, logFile } = launch(name, dir, command, args, options.env);
  await waitFor(name, () => httpOk(options.readyUrl), options.timeoutMs ?? 30_000, child);
  return { url: new URL(options.readyUrl).origin, logFile, process: child, stop: stopper(child) };
}

/**
 * A bare uvicorn server from the project venv (the one `mlflow server` runs) serving `app` ("module:attribute",
 * importable from `dir`) with `workers` processes, as `mlflow server --workers N` starts it. With `proxyHeaders`
 * false, the app sees the peer of each connection as its client (address and port), not X-Forwarded-For.
 */
export async function startUvicorn(
  dir: string,
  options: { readonly app: string; readonly workers: number; readonly proxyHeaders?: boolean },
): Promise<Service> {
  const port = await freePort();
  return startProcess(
    'uvicorn',
    dir,
    join(VENV, 'python'),
    [
      '-m',
      'uvicorn',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--workers',
      String(options.workers),
      ...(options.proxyHeaders === false ? ['--no-proxy-headers'] : []),
      options.app,
    ],
    { readyUrl: `http://127.0.0.1:${port}`, env: { PYTHONUNBUFFERED: '1', PYTHONPATH: dir }, timeoutMs: 60_000 },
  );
}

/** mlgate (`mlgate serve`, this run's copy of dist/: code-snapshot.ts) with the given environment on top of the defaults. */
export async function startMlgate(dir: string, env: Readonly<Record<string, string>>): Promise<Service> {
  const port = env['MLGATE_SERVER_PORT'] ?? String(await freePort());
  const { child, logFile } = launch('mlgate', dir, process.execPath, [compiledPath(ROOT, 'src/cli/main.js'), 'serve'], {
    MLGATE_SERVER_HOST: '127.0.0.1',
    MLGATE_SERVER_PORT: port,
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('mlgate', () => httpOk(`${url}/_mlgate/health/ready`), 30_000, child);
  return { url, logFile, process: child, stop: stopper(child) };
}

export interface CliResult {
  /** The exit status; 1 when the process was killed by a signal. */
  readonly code: number;
  /** The signal that killed the process, or null when it exited. */
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the mlgate CLI (this run's copy of dist/: code-snapshot.ts) and collects its output. */
export function runCli(args: readonly string[], env: Readonly<Record<string, string>>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [compiledPath(ROOT, 'src/cli/main.js'), ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? 1, signal, stdout, stderr }));
  });
}

/** A fresh random session.secret_key (SECRET_KEY) for a test or benchmark run. */
export function newSecretKey(): string {
  return randomBytes(36).toString('base64url');
}

/** The secret key kept in `dir` (created on first use, readable by its owner only), so a restart keeps it. */
export function persistentSecretKey(dir: string): string {
  const file = join(dir, 'secret_key');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, newSecretKey(), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}
