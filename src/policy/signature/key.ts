/**
 * The public key bundle signatures are checked with (policy.signing_key): a PEM public key (or certificate) given
 * inline, or the path of a file holding one.
 */
import { type KeyObject, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { MlgateError } from '../../errors.js';

/** The key of policy.signing_key, or null when it is empty (signatures are then not checked). */
export function loadSigningKey(setting: string, readFile: (path: string) => string = readPem): KeyObject | null {
  const value = setting.trim();
  if (value === '') {
    return null;
  }
  const pem = value.startsWith('-----BEGIN') ? value : readFile(value);
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    // createPublicKey would derive the public half, but the private key has no business on the gateway.
    throw new MlgateError(
      'MLGATE_CONFIG_INVALID',
      'policy.signing_key holds a private key: give only the public half of the key bundles are signed with ' +
        '("openssl pkey -in key.pem -pubout"); keep the private key in CI.',
    );
  }
  try {
    const key = createPublicKey(pem);
    if (key.type !== 'public') {
      throw new Error('not a public key');
    }
    return key;
  } catch (error) {
    throw new MlgateError(
      'MLGATE_CONFIG_INVALID',
      `policy.signing_key is not a PEM public key (${(error as Error).message}). Give the public half of the key ` +
        'the bundle is signed with ("opa build --signing-key"), inline or as a file path.',
      { cause: error },
    );
  }
}

function readPem(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new MlgateError(
      'MLGATE_CONFIG_INVALID',
      `Cannot read policy.signing_key ${path}: ${(error as Error).message}.`,
      {
        cause: error,
      },
    );
  }
}
