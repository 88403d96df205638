/**
 * The compiled code that the processes started by tests run (the CLI, mlgate serve, the demo). Each such process
 * loads its modules from disk when it starts, long after the test run itself loaded its own. A rebuild meanwhile
 * (tsc rewrites every file of dist/ in place; `make build` removes dist/ first) can then give it a half-written or
 * mismatched module, and it fails at import (a SyntaxError, ERR_MODULE_NOT_FOUND) with exit status 1 whatever it
 * was asked. So the first process started takes a copy of dist/src and dist/scripts, and every process this run
 * starts runs that copy. It lives inside the checkout (.run/), so packages still resolve from node_modules/ and
 * the package root (bundle/) is the same; it is removed when this process exits.
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

let snapshot: string | undefined;

/** Where `relative` (a path under dist/, e.g. "src/cli/main.js") is in this run's copy of the compiled code. */
export function compiledPath(root: string, relative: string): string {
  if (snapshot === undefined) {
    const dir = join(root, '.run', `dist-${process.pid}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const part of ['src', 'scripts']) {
      cpSync(join(root, 'dist', part), join(dir, part), { recursive: true });
    }
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    snapshot = dir;
  }
  return join(snapshot, relative);
}
