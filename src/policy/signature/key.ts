/**
 * The public key bundle signatures are checked with (policy.signing_key): a PEM public key (or certificate) given
 * inline, or the path of a file holding one.
 */
import { type KeyObject, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { ConfigError } from '../../config/load.js';

/** The key of policy.signing_key, or null when it is empty (signatures are then not checked). */
export function loadSigningKey(setting: string, readFile: (path: string) => string = readPem): KeyObject | null {
  const value = setting.trim();
  if (value === '') {
    return null;
  }
  const pem = value.startsWith('-----BEGIN') ? value : readFile(value);
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    // createPublicKey would derive the public half, but the private key has no business on the gateway.
    throw problem(
      'holds a private key',
      'give only the public half of the key bundles are signed with ("openssl pkey -in key.pem -pubout"); keep ' +
        'the private key in CI',
    );
  }
  try {
    const key = createPublicKey(pem);
    if (key.type !== 'public') {
      throw new Error('not a public key');
    }
    return key;
  } catch (error) {
    throw problem(
      `is not a PEM public key (${(error as Error).message})`,
      'give the public half of the key bundles are signed with ("opa build --signing-key"), inline or as a file path',
    );
  }
}

function problem(message: string, hint: string): ConfigError {
  return new ConfigError([{ path: 'policy.signing_key', message, hint }]);
}

function readPem(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw problem(
      `cannot be read from ${path} (${(error as Error).message})`,
      'give a PEM public key or its file path',
    );
  }
}
