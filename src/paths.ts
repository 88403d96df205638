/** Locations inside the mlgate installation, independent of the working directory. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding mlgate's package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error('mlgate: cannot find the package root (package.json)');
    }
    dir = parent;
  }
  return dir;
}

/** The compiled policy bundle shipped with mlgate. */
export function defaultBundlePath(): string {
  return join(packageRoot(), 'bundle', 'bundle.tar.gz');
}
