/**
 * Starts the mlflow-oidc-auth target, checks its grants (target-check.ts), prints its processes and stops it.
 * Needs scripts/bench-anchors.sh to have run. `node dist/bench/compare/oidc-auth-check.js`; exits 1 on a failure.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT } from '../../scripts/services.js';
import { oidcAuthVersions, startOidcAuth } from './oidc-auth.js';
import { checkGrants } from './target-check.js';

function describe(pid: number): string {
  try {
    const rss = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '?';
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return `${pid}  RSS ${Math.round(Number(rss) / 1024)} MiB  ${command.slice(0, 110)}`;
  } catch {
    return `${pid}  (gone)`;
  }
}

async function main(): Promise<void> {
  const dir = join(ROOT, '.run', 'oidc-auth-check');
  rmSync(dir, { recursive: true, force: true });
  const versions = await oidcAuthVersions();
  console.log(`mlflow-oidc-auth ${versions.plugin}, MLflow ${versions.mlflow}, Python ${versions.python}`);
  const started = Date.now();
  const target = await startOidcAuth(dir);
  console.log(`${target.name} ready at ${target.url} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const checked = checkGrants(target).then((lines) => {
    const pids = target.pids();
    return { lines, pids, processes: pids.map(describe) };
  });
  const { lines, pids, processes } = await checked.finally(() => target.stop());
  for (const line of lines) console.log(line);
  console.log(`processes while it ran (${pids.length}):`);
  for (const description of processes) console.log(`  ${description}`);
  const failed = pids.length === 0 || lines.some((line) => line.startsWith('FAILED'));
  const left = pids.filter((pid) => target.pids().includes(pid));
  console.log(left.length === 0 ? 'stopped: no process left' : `FAILED  still running after stop(): ${left.join(' ')}`);
  if (failed || left.length > 0) {
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
