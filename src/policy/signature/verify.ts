/**
 * Checks a bundle's .signatures.json as OPA does before activating a bundle: one JWS, signed with the configured
 * key, whose payload lists every file of the bundle with its hash. A file missing, altered or not listed, a wrong
 * key or scope, and (when a signature is required) no signature at all refuse the bundle.
 */
import { type KeyObject, createHash, timingSafeEqual } from 'node:crypto';
import { posix } from 'node:path';

import { compactVerify } from 'jose';

import { canonicalJson } from './canonical-json.js';

export const SIGNATURES_FILE = '/.signatures.json';

/** Asymmetric JWS algorithms OPA signs bundles with; symmetric (HS*) keys are not accepted. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** OPA's hash names and node's; MD5 and SHA-1, which OPA also knows, are refused as too weak. */
const HASHES: Readonly<Record<string, string>> = {
  'SHA-224': 'sha224',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
  'SHA-512-224': 'sha512-224',
  'SHA-512-256': 'sha512-256',
};

/** Files OPA hashes in canonical JSON form rather than as bytes. */
const STRUCTURED = new Set(['data.json', '.manifest']);

export interface SignaturePolicy {
  /** The public key; null: signatures are not checked (and must not be required). */
  readonly key: KeyObject | null;
  /** A signature must be present (policy.require_signature). */
  readonly required: boolean;
  /** The scope the signature must name (policy.signing_scope); "" accepts only signatures without one. */
  readonly scope: string;
}

export interface SignatureCheck {
  /** "unsigned" when the bundle has no signature and none is required. */
  readonly outcome: 'verified' | 'unsigned';
  readonly keyId?: string;
}

/** Thrown for a bundle whose signature does not hold; the message says why. */
export class BundleSignatureError extends Error {}

export async function verifyBundleSignature(
  files: ReadonlyMap<string, Buffer>,
  policy: SignaturePolicy,
): Promise<SignatureCheck> {
  const signatures = files.get(SIGNATURES_FILE);
  if (signatures === undefined) {
    if (policy.required) {
      throw new BundleSignatureError('it is not signed (no .signatures.json) and policy.require_signature is on');
    }
    return { outcome: 'unsigned' };
  }
  if (policy.key === null) {
    throw new BundleSignatureError(
      'it is signed (.signatures.json) but no policy.signing_key is configured to check the signature with',
    );
  }
  const jws = readSignature(signatures);
  let payload: Uint8Array;
  let keyIdHeader: unknown;
  try {
    const verified = await compactVerify(jws, policy.key, { algorithms: ALGORITHMS });
    payload = verified.payload;
    keyIdHeader = verified.protectedHeader.kid;
  } catch (error) {
    throw new BundleSignatureError(
      `its signature does not verify with policy.signing_key (${(error as Error).message})`,
    );
  }
  const claims = parsePayload(payload);
  if (claims.scope !== policy.scope) {
    throw new BundleSignatureError(
      `its signature's scope "${claims.scope}" is not policy.signing_scope "${policy.scope}"`,
    );
  }
  checkFiles(files, claims.files);
  const keyId = claims.keyId ?? (typeof keyIdHeader === 'string' ? keyIdHeader : undefined);
  return { outcome: 'verified', ...(keyId === undefined ? {} : { keyId }) };
}

function readSignature(bytes: Buffer): string {
  let document: unknown;
  try {
    document = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new BundleSignatureError('its .signatures.json is not valid JSON');
  }
  const list = (document as { signatures?: unknown } | null)?.signatures;
  if (!Array.isArray(list) || list.length !== 1 || typeof list[0] !== 'string') {
    throw new BundleSignatureError('its .signatures.json must hold exactly one signature, as OPA requires');
  }
  return list[0];
}

interface FileEntry {
  readonly name: string;
  readonly hash: string;
  readonly algorithm: string;
}

function parsePayload(payload: Uint8Array): { files: FileEntry[]; scope: string; keyId?: string } {
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(payload).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new BundleSignatureError('its signature payload is not JSON');
  }
  const files = claims['files'];
  if (
    !Array.isArray(files) ||
    !files.every(
      (f: Record<string, unknown> | null) =>
        typeof f?.['name'] === 'string' && typeof f['hash'] === 'string' && typeof f['algorithm'] === 'string',
    )
  ) {
    throw new BundleSignatureError('its signature payload has no valid "files" list (name, hash, algorithm)');
  }
  const scope = typeof claims['scope'] === 'string' ? claims['scope'] : '';
  const keyId = typeof claims['keyid'] === 'string' ? claims['keyid'] : undefined;
  return { files: files as FileEntry[], scope, ...(keyId === undefined ? {} : { keyId }) };
}

function checkFiles(files: ReadonlyMap<string, Buffer>, listed: readonly FileEntry[]): void {
  const signed = new Map<string, FileEntry>();
  for (const entry of listed) {
    signed.set(normalizeName(entry.name), entry);
  }
  for (const [name, entry] of signed) {
    const bytes = files.get(name);
    if (bytes === undefined) {
      throw new BundleSignatureError(`its signature lists ${name}, which the bundle does not hold`);
    }
    const algorithm = HASHES[entry.algorithm];
    if (algorithm === undefined) {
      throw new BundleSignatureError(`its signature hashes ${name} with ${entry.algorithm}, which is not accepted`);
    }
    const actual = createHash(algorithm).update(hashedContent(name, bytes)).digest();
    const expected = Buffer.from(entry.hash, 'hex');
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
      throw new BundleSignatureError(`its file ${name} does not match the hash its signature lists`);
    }
  }
  const unlisted = [...files.keys()].filter((name) => name !== SIGNATURES_FILE && !signed.has(name));
  if (unlisted.length > 0) {
    throw new BundleSignatureError(`it holds file(s) its signature does not list: ${unlisted.join(', ')}`);
  }
}

function hashedContent(name: string, bytes: Buffer): Buffer | string {
  if (!STRUCTURED.has(posix.basename(name))) {
    return bytes;
  }
  try {
    return canonicalJson(bytes.toString('utf8'));
  } catch {
    throw new BundleSignatureError(`its file ${name} is not valid JSON`);
  }
}

/** Names as the bundle reader keys them: "/" + the path inside the bundle. */
function normalizeName(name: string): string {
  return '/' + name.replace(/^(\.\/|\/)+/, '');
}
