/**
 * CPU time and resident memory of a system under test, read from /proc: the given processes and every live
 * descendant (MLflow's CLI starts uvicorn, which starts its workers), summed.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`; 100 on Linux unless it says otherwise). */
const TICKS = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface Stat {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  /** Process state (R, S, Z, ...). */
  readonly state: string;
  /** utime + stime + cutime + cstime, in ticks (the last two: children it has reaped). */
  readonly ticks: number;
}

/** /proc/<pid>/stat, or undefined when the process is gone. The command name may hold spaces and parentheses. */
function stat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name, from field 3 (state): ppid is field 4, utime..cstime fields 14..17.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const field = (n: number): number => Number(fields[n - 3]);
  return {
    pid,
    ppid: field(4),
    pgrp: field(5),
    state: fields[0] ?? '',
    ticks: field(14) + field(15) + field(16) + field(17),
  };
}

function allStats(): Stat[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => stat(Number(name)))
    .filter((s): s is Stat => s !== undefined);
}

/**
 * Ids of the live processes of process group `pgid`, ascending. A service started by scripts/services.ts leads its
 * own group, which holds the launcher and every worker it spawned (`mlflow server` runs uvicorn, which may fork).
 */
export function processGroupPids(pgid: number): number[] {
  return allStats()
    .filter((s) => s.pgrp === pgid && s.state !== 'Z')
    .map((s) => s.pid)
    .sort((a, b) => a - b);
}

/** The live processes among `roots` and all their descendants. */
function tree(roots: readonly number[]): Stat[] {
  const stats = allStats();
  const children = new Map<number, Stat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const found: Stat[] = [];
  const queue = roots.map((pid) => byPid.get(pid)).filter((s): s is Stat => s !== undefined);
  const seen = new Set<number>();
  while (queue.length > 0) {
    const next = queue.shift() as Stat;
    if (seen.has(next.pid)) continue;
    seen.add(next.pid);
    found.push(next);
    queue.push(...(children.get(next.pid) ?? []));
  }
  return found;
}

/** CPU seconds (user + system, reaped children included) spent so far by `roots` and their descendants. */
export function cpuSeconds(roots: readonly number[]): number {
  return tree(roots).reduce((sum, s) => sum + s.ticks, 0) / TICKS;
}

/** Resident memory (VmRSS) of `roots` and their descendants, in bytes (pages shared between them count twice). */
export function rssBytes(roots: readonly number[]): number {
  let total = 0;
  for (const { pid } of tree(roots)) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      total += Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
    } catch {
      // gone since the tree was read
    }
  }
  return total;
}
