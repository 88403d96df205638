/**
 * mlgate in front of its own plain MLflow (or of a given upstream, for the own-latency table), with its own
 * FerretDB: an administrator and an ordinary user, each with an access token; grants made with the CLI.
 */
import { join } from 'node:path';

import { type Service, newSecretKey, runCli, startFerretDB, startMlflow, startMlgate } from '../../scripts/services.js';
import { basic } from './api.js';
import type { Target } from './target.js';

const ADMIN = 'bench-admin';
const USER = 'bench-user';

export async function startMlgateTarget(
  dir: string,
  options: { readonly name?: string; readonly upstreamUrl?: string } = {},
): Promise<Target> {
  const services: Service[] = [];
  const stop = async (): Promise<void> => {
    for (const service of services.reverse()) await service.stop();
  };
  try {
    const ferret = await startFerretDB(join(dir, 'ferretdb'));
    services.push(ferret);
    let upstreamUrl = options.upstreamUrl;
    if (upstreamUrl === undefined) {
      const mlflow = await startMlflow(join(dir, 'mlflow'), { workers: 1 });
      services.push(mlflow);
      upstreamUrl = mlflow.url;
    }
    const env = {
      MONGODB_URI: ferret.uri,
      MLGATE_UPSTREAM_URL: upstreamUrl,
      SECRET_KEY: newSecretKey(),
      // Kept-alive connections to the upstream, as an operator sets them for an MLflow with one worker (which has
      // no keep-alive stall) and as the bare hop has them; the default, a connection per request, is for MLflow
      // with several workers (docs/operations.md, bench/keepalive.ts).
      MLGATE_UPSTREAM_KEEP_ALIVE: 'true',
    };
    const gateway = await startMlgate(join(dir, 'mlgate'), env);
    services.push(gateway);
    const cli = async (args: readonly string[]): Promise<string> => {
      const result = await runCli(args, env);
      if (result.code !== 0) throw new Error(`mlgate ${args.join(' ')}: ${result.stderr.trim()}`);
      return result.stdout.trim();
    };
    await cli(['user', 'create', ADMIN, '--admin']);
    await cli(['user', 'create', USER]);
    const adminToken = await cli(['token', 'create', ADMIN]);
    const userToken = await cli(['token', 'create', USER]);
    const pids = services.map((s) => s.process.pid as number);
    return {
      name: options.name ?? 'mlgate',
      description:
        (options.upstreamUrl === undefined ? 'mlgate over its own plain MLflow (one worker, SQLite)' : 'mlgate') +
        ', FerretDB store, default settings (caches 5 s, access log at info) but upstream.keep_alive on; HTTP Basic ' +
        'with access tokens; CPU and RSS include ' +
        (options.upstreamUrl === undefined ? 'mlgate, MLflow and FerretDB' : 'mlgate and FerretDB'),
      url: gateway.url,
      adminAuthorization: basic(ADMIN, adminToken),
      userAuthorization: basic(USER, userToken),
      grant: async (experimentId, permission) => {
        await cli(['grant', '--experiment', experimentId, '--user', USER, '--permission', permission]);
      },
      pids: () => pids,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
