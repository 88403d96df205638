/**
 * A bundle file (bundle.tar.gz) or directory watched for changes: fs.watch on it (a file's parent directory is
 * watched, so a bundle renamed into place is seen), plus a periodic stat as a fallback where events are lost.
 * Changes are debounced; a bundle still being written (it changes while read, or its archive is incomplete) is
 * not activated: a half-written archive fails its gzip or tar checks, and the next change is read again.
 */
import { type FSWatcher, statSync, watch } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { readBundleFiles } from '../bundle.js';
import type { BundleSink, BundleSource } from './types.js';

export interface FileSourceOptions {
  readonly path: string;
  readonly maxBytes: number;
  /** How often the bundle is stat-ed in case a change event was missed. */
  readonly intervalMs: number;
  /** Quiet time after the last change before the bundle is read. */
  readonly debounceMs: number;
  readonly sink: BundleSink;
  /** Listen to file-system events (default); off, only the periodic stat notices changes. */
  readonly events?: boolean;
}

export interface FileBundleSource extends BundleSource {
  /**
   * Reads the bundle there now, for the first activation: the change watching starts from this version (its state
   * is taken before reading, so a bundle replaced meanwhile is read again once watching starts).
   */
  readCurrent(): Promise<Map<string, Buffer>>;
}

export function createFileSource(options: FileSourceOptions): FileBundleSource {
  let watcher: FSWatcher | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let seen: string | undefined;
  let running = false;
  let checking = false;
  let again = false;

  const schedule = (): void => {
    if (!running) return;
    clearTimeout(debounce);
    debounce = setTimeout(() => void check(), options.debounceMs);
  };

  const check = async (): Promise<void> => {
    if (checking) {
      again = true;
      return;
    }
    checking = true;
    try {
      const before = await fingerprint(options.path);
      if (before === seen) return;
      let files: Map<string, Buffer>;
      try {
        files = await readBundleFiles(options.path, options.maxBytes);
      } catch (error) {
        if ((await fingerprint(options.path)) !== before) {
          again = true; // still being written: read it again once it settles
          return;
        }
        seen = before;
        options.sink.fail(error, options.path);
        return;
      }
      if ((await fingerprint(options.path)) !== before) {
        again = true;
        return;
      }
      seen = before;
      await options.sink.offer(files, options.path);
    } finally {
      checking = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  };

  return {
    description: options.path,
    async readCurrent() {
      const current = await fingerprint(options.path);
      const files = await readBundleFiles(options.path, options.maxBytes);
      seen = current;
      return files;
    },
    start() {
      if (running) return;
      running = true;
      schedule(); // anything that changed since readCurrent
      try {
        watcher = options.events === false ? undefined : watchBundle(options.path, schedule);
        watcher?.on('error', () => {
          watcher?.close(); // the periodic stat carries on
          watcher = undefined;
        });
      } catch {
        watcher = undefined;
      }
      ticker = setInterval(schedule, options.intervalMs);
      ticker.unref();
    },
    stop() {
      running = false;
      watcher?.close();
      watcher = undefined;
      clearInterval(ticker);
      clearTimeout(debounce);
    },
  };
}

function watchBundle(path: string, onChange: () => void): FSWatcher {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory() === true) {
    return watch(path, { recursive: true, persistent: false }, onChange);
  }
  // A file: its directory is watched, so a bundle renamed into place (a new inode) is seen too, and so is a
  // Kubernetes volume swapping the link the file goes through (the event names the link, not the file). Any event
  // costs one stat: the bundle is read only when its fingerprint changed.
  return watch(dirname(path), { persistent: false }, onChange);
}

/** Identity, size and modification time of the bundle (of each file, for a directory); "missing" when absent. */
async function fingerprint(path: string): Promise<string> {
  try {
    const info = await stat(path);
    if (!info.isDirectory()) {
      return `${info.ino}:${info.size}:${info.mtimeMs}`;
    }
    const parts: string[] = [];
    for (const entry of await readdir(path, { recursive: true, withFileTypes: true })) {
      const full = join(entry.parentPath, entry.name);
      const each = await stat(full).catch(() => undefined);
      parts.push(`${full}:${each?.ino}:${each?.size}:${each?.mtimeMs}`);
    }
    return parts.sort().join('|');
  } catch {
    return 'missing';
  }
}
