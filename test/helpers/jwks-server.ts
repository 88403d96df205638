/**
 * A tiny local identity provider for tests: signing keys made with jose's generateKeyPair, their public halves
 * served as a JWKS (and an OpenID discovery document) over HTTP on 127.0.0.1, and a counter of key-set fetches.
 */
import { type AddressInfo } from 'node:net';
import http from 'node:http';

import { type CryptoKey, type JWK, type JWTPayload, SignJWT, exportJWK, generateKeyPair } from 'jose';

export interface TestKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly publicJwk: JWK;
}

export async function makeKey(kid: string, alg = 'RS256'): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicKey, publicJwk };
}

export function signToken(key: TestKey, claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header })
    .sign(key.privateKey);
}

export interface JwksServer {
  readonly url: string;
  readonly jwksUri: string;
  readonly discoveryUrl: string;
  readonly issuer: string;
  /** Keys published (mutable: push to rotate). */
  readonly keys: TestKey[];
  /** How many times the key set was fetched. */
  fetches(): number;
  close(): Promise<void>;
}

export async function startJwksServer(keys: TestKey[], issuer?: string): Promise<JwksServer> {
  let fetches = 0;
  let base = '';
  const server = http.createServer((req, res) => {
    if (req.url === '/jwks') {
      fetches += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: keys.map((key) => key.publicJwk) }));
    } else if (req.url === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issuer: issuer ?? base, jwks_uri: `${base}/jwks` }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    jwksUri: `${base}/jwks`,
    discoveryUrl: `${base}/.well-known/openid-configuration`,
    issuer: issuer ?? base,
    keys,
    fetches: () => fetches,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
