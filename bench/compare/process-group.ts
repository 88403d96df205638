/**
 * The live processes of one process group, read from /proc. A service started by scripts/services.ts leads its
 * own group, so its group holds the launcher and every worker it spawned (`mlflow server` runs uvicorn, which
 * may fork workers).
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Process group of `pid` from /proc/<pid>/stat, or undefined when the process is gone or a zombie. */
function groupOf(pid: string): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so fields are counted after the last ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z') {
    return undefined;
  }
  const pgrp = Number(fields[2]);
  return Number.isInteger(pgrp) ? pgrp : undefined;
}

/** Ids of the processes whose process group is `pgid`, in ascending order. */
export function processGroupPids(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name) && groupOf(name) === pgid)
    .map(Number)
    .sort((a, b) => a - b);
}
