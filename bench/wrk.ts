/** Runs wrk (Debian's package; `scripts/bench-tools.sh` installs it) and reads its figures. */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface WrkRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface WrkResult {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
}

/** wrk with `connections` keep-alive connections for `seconds`, pinned to `cpu`; `dir` holds its Lua script. */
export async function wrk(
  request: WrkRequest,
  options: { readonly connections: number; readonly seconds: number; readonly cpu: number; readonly dir: string },
): Promise<WrkResult> {
  const script = join(options.dir, 'wrk-request.lua');
  writeFileSync(
    script,
    [
      `wrk.method = ${JSON.stringify(request.method)}`,
      ...Object.entries(request.headers).map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`),
      ...(request.body === undefined ? [] : [`wrk.body = ${JSON.stringify(request.body)}`]),
      '',
    ].join('\n'),
  );
  const { stdout } = await run('taskset', [
    '-c',
    String(options.cpu),
    'wrk',
    '-t1',
    `-c${options.connections}`,
    `-d${options.seconds}s`,
    '--latency',
    '-s',
    script,
    request.url,
  ]);
  return parseWrk(stdout);
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000 };

export function parseWrk(output: string): WrkResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const at = (q: string): number => {
    const match = new RegExp(`^\\s+${q}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(output);
    return match === null ? NaN : Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? NaN);
  };
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output);
  if (rps === null) {
    throw new Error(`wrk printed no Requests/sec:\n${output}`);
  }
  return { rps: Number(rps[1]), p50Ms: at('50'), p99Ms: at('99'), non2xx: non2xx === null ? 0 : Number(non2xx[1]) };
}
