/**
 * Builds real gateway bundles with the project's opa binary from the shipped policies/ (tests excluded): with a
 * chosen revision, optionally a rule that refuses one user (to observe a bundle swap through a decision), and
 * optionally signed with a private key ("opa build --bundle --signing-key"), as a team's CI would.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { packageRoot } from '../../src/paths.js';
import { OPA } from './opa.js';

const run = promisify(execFile);

export interface BundleOptions {
  readonly revision: string;
  /** A user every non-admin decision refuses (reason no-permission) under this bundle. */
  readonly refuseUser?: string;
  /** PEM private key file: the bundle is signed with it (.signatures.json). */
  readonly signingKey?: string;
  readonly signingAlg?: string;
  readonly scope?: string;
}

/** Builds `dir/<name>.tar.gz` (sources under `dir/<name>-src/`) and returns its path. */
export async function buildGatewayBundle(dir: string, name: string, options: BundleOptions): Promise<string> {
  const src = join(dir, `${name}-src`);
  mkdirSync(src, { recursive: true });
  cpSync(join(packageRoot(), 'policies'), join(src, 'policies'), {
    recursive: true,
    filter: (path) => !path.endsWith('_test.rego'),
  });
  if (options.refuseUser !== undefined) {
    writeFileSync(
      join(src, 'policies', 'mlgate', 'authz', 'refuse.rego'),
      `package mlgate.authz\n\ndeny contains "no-permission" if input.principal.username == ${JSON.stringify(options.refuseUser)}\n`,
    );
  }
  const output = join(dir, `${name}.tar.gz`);
  const signing =
    options.signingKey === undefined
      ? []
      : [
          '--signing-key',
          options.signingKey,
          ...(options.signingAlg === undefined ? [] : ['--signing-alg', options.signingAlg]),
          ...(options.scope === undefined ? [] : ['--claims-file', claimsFile(dir, name, options.scope)]),
        ];
  await run(
    OPA,
    [
      'build',
      '--bundle',
      '-t',
      'wasm',
      '-e',
      'mlgate/authz/decision',
      '-e',
      'mlgate/authz/visible',
      '--revision',
      options.revision,
      ...signing,
      '-o',
      output,
      '.',
    ],
    { cwd: join(src, 'policies') },
  );
  return output;
}

/** The optional claims of a signature ("opa build --claims-file"): here its scope. */
function claimsFile(dir: string, name: string, scope: string): string {
  const path = join(dir, `${name}-claims.json`);
  writeFileSync(path, JSON.stringify({ scope }));
  return path;
}

/** A fresh RSA key pair written as PEM files in `dir`: returns their paths. */
export function writeKeyPair(
  dir: string,
  name: string,
  type: 'rsa' | 'ec' = 'rsa',
): { privateKey: string; publicKey: string; publicPem: string } {
  const pair =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateKey = join(dir, `${name}.key.pem`);
  const publicKey = join(dir, `${name}.pub.pem`);
  const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  writeFileSync(privateKey, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(publicKey, publicPem);
  return { privateKey, publicKey, publicPem };
}
