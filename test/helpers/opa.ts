/** Compiles Rego fixtures to wasm bundles with the project's opa binary (test set-up only). */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { packageRoot } from '../../src/paths.js';

const run = promisify(execFile);

export const OPA = join(packageRoot(), '.tools', 'bin', 'opa');

/** Writes `rego` into `dir` and builds `dir/bundle.tar.gz` with the given entrypoints. */
export async function buildWasmBundle(dir: string, rego: string, entrypoints: readonly string[]): Promise<string> {
  const src = join(dir, 'src');
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'policy.rego'), rego);
  const output = join(dir, 'bundle.tar.gz');
  await run(OPA, ['build', '-t', 'wasm', ...entrypoints.flatMap((e) => ['-e', e]), '-o', output, src]);
  return output;
}
