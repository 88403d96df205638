/**
 * The own-latency targets: the instant upstream alone (the baseline) and a bare http-proxy hop over it, each a
 * Node process of its own so that its CPU time can be read from /proc. No authentication and no permissions.
 */
import { join } from 'node:path';

import { ROOT, freePort, startProcess } from '../../scripts/services.js';
import type { Target } from './target.js';

async function startNode(name: string, dir: string, script: string, args: readonly string[]): Promise<Target> {
  const port = await freePort();
  const service = await startProcess(
    name,
    dir,
    process.execPath,
    [join(ROOT, 'dist', 'bench', 'compare', script), String(port), ...args],
    {
      readyUrl: `http://127.0.0.1:${port}/health`,
    },
  );
  return {
    name,
    url: service.url,
    adminAuthorization: undefined,
    userAuthorization: undefined,
    grant: () => Promise.resolve(),
    pids: () => [service.process.pid as number],
    stop: () => service.stop(),
  };
}

/** An upstream that answers every request at once (bench/load.ts `instantUpstream`). */
export async function startInstantUpstream(dir: string): Promise<Target> {
  return {
    ...(await startNode('upstream', dir, 'instant-server.js', [])),
    description: 'instant upstream: a Node http server answering every request at once with a small JSON body',
  };
}

/** A bare http-proxy hop over `upstreamUrl`; its CPU and RSS are the hop's own. */
export async function startBareHop(dir: string, upstreamUrl: string): Promise<Target> {
  return {
    ...(await startNode('bare-hop', dir, 'bare-hop-server.js', [upstreamUrl])),
    description: 'bare hop: Node http server + http-proxy 1.18 (keep-alive agent) over the instant upstream',
  };
}
