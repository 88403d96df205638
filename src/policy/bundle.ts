/**
 * Reads an OPA bundle built with `opa build -t wasm`: a bundle.tar.gz, or a
 * directory holding policy.wasm with optional data.json and .manifest.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { MlgateError } from '../errors.js';
import { readTar } from '../util/tar.js';

export interface PolicyBundle {
  readonly wasm: Buffer;
  /** The bundle's own data document (data.json), merged under the gateway's runtime data. */
  readonly data: Readonly<Record<string, unknown>>;
  /** The manifest revision, or "" when the bundle has none. */
  readonly revision: string;
  /** Where it was read from, for logs. */
  readonly source: string;
}

/** The default of policy.max_bundle_bytes. */
export const DEFAULT_MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

/**
 * Reads a bundle of at most `maxBytes` unpacked (policy.max_bundle_bytes): gunzip stops at the limit, so a small
 * archive that unpacks to gigabytes (a gzip bomb) is refused without being inflated.
 */
export async function readBundle(path: string, maxBytes = DEFAULT_MAX_BUNDLE_BYTES): Promise<PolicyBundle> {
  return fromFiles(await readBundleFiles(path, maxBytes), path);
}

/**
 * Every file of a bundle (a bundle.tar.gz or a directory), keyed "/" + its path inside the bundle, at most
 * `maxBytes` in all, unpacked. Nothing is checked beyond the archive's own structure: signatures and contents are
 * the caller's (a half-written archive fails here, on its gzip checksum or tar structure).
 */
export async function readBundleFiles(path: string, maxBytes = DEFAULT_MAX_BUNDLE_BYTES): Promise<Map<string, Buffer>> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      const files = await readDirectory(path);
      if ([...files.values()].reduce((sum, file) => sum + file.length, 0) > maxBytes) {
        throw tooLarge(path, maxBytes);
      }
      return files;
    }
    if (info.size > maxBytes) {
      throw tooLarge(path, maxBytes);
    }
    return unpackBundle(await readFile(path), path, maxBytes);
  } catch (error) {
    if (error instanceof MlgateError) {
      throw error;
    }
    throw unusable(path, (error as Error).message, error);
  }
}

/** The files of a bundle.tar.gz held in memory (one downloaded), at most `maxBytes` unpacked. */
export function unpackBundle(
  archive: Buffer,
  source: string,
  maxBytes = DEFAULT_MAX_BUNDLE_BYTES,
): Map<string, Buffer> {
  if (archive.length > maxBytes) {
    throw tooLarge(source, maxBytes);
  }
  try {
    return readTar(gunzipLimited(archive, maxBytes, () => tooLarge(source, maxBytes)));
  } catch (error) {
    if (error instanceof MlgateError) {
      throw error;
    }
    throw unusable(source, (error as Error).message, error);
  }
}

function gunzipLimited(archive: Buffer, maxBytes: number, tooLarge: () => MlgateError): Buffer {
  try {
    return gunzipSync(archive, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw tooLarge();
    }
    throw error;
  }
}

function tooLarge(source: string, maxBytes: number): MlgateError {
  return unusable(source, `it is larger than ${maxBytes} bytes unpacked (policy.max_bundle_bytes)`);
}

/** Builds a bundle from its files (paths as in the archive, e.g. "/policy.wasm"). */
export function fromFiles(files: ReadonlyMap<string, Buffer>, source: string): PolicyBundle {
  const wasm = files.get('/policy.wasm');
  if (wasm === undefined) {
    throw unusable(source, 'it has no /policy.wasm; build it with "opa build -t wasm"');
  }
  const data = parseJsonObject(files.get('/data.json'), source, 'data.json') ?? {};
  const manifest = parseJsonObject(files.get('/.manifest'), source, '.manifest') ?? {};
  const revision = typeof manifest['revision'] === 'string' ? manifest['revision'] : '';
  return { wasm, data, revision, source };
}

/**
 * Every regular file under `dir`, hidden ones (.manifest, .signatures.json) included, and files reached through a
 * symbolic link. Entries whose name starts with ".." are left out: the versioned copies a Kubernetes volume keeps
 * beside the links it swaps atomically (..data, ..2026_01_01...).
 */
async function readDirectory(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const full = join(entry.parentPath, entry.name);
    const name = relative(dir, full).split(sep);
    if (name.some((part) => part.startsWith('..'))) {
      continue;
    }
    if (entry.isFile() || (entry.isSymbolicLink() && (await stat(full)).isFile())) {
      files.set('/' + name.join('/'), await readFile(full));
    }
  }
  return files;
}

function parseJsonObject(bytes: Buffer | undefined, source: string, name: string): Record<string, unknown> | undefined {
  if (bytes === undefined) {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw unusable(source, `its ${name} is not valid JSON`, error);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw unusable(source, `its ${name} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function unusable(source: string, why: string, cause?: unknown): MlgateError {
  return new MlgateError(
    'MLGATE_POLICY_UNAVAILABLE',
    `Cannot use the policy bundle ${source}: ${why}. Point policy.bundle at a bundle built with ` +
      '"opa build -t wasm -e mlgate/authz/decision -e mlgate/authz/visible", or leave it empty for the shipped one.',
    { cause },
  );
}
