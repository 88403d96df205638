import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { expect } from 'chai';
import { SignJWT, UnsecuredJWT, base64url, exportSPKI } from 'jose';

import { DEFAULT_JWT_ALGORITHMS, algorithmProblem } from '../../../src/auth/bearer/algorithms.js';
import { createBearerAuthenticator } from '../../../src/auth/bearer/authenticator.js';
import { groupsFromClaims, usernameFromClaims } from '../../../src/auth/bearer/claims.js';
import { readBearer } from '../../../src/auth/bearer/header.js';
import { createRemoteKeys } from '../../../src/auth/bearer/keys.js';
import { type JwtVerifier, createJwtVerifier } from '../../../src/auth/bearer/verifier.js';
import { type Fetch, discoverProviderKeys } from '../../../src/auth/bearer/discovery.js';
import { createExternalUsers } from '../../../src/auth/external-users.js';
import type { AuthOutcome, AuthRequest } from '../../../src/auth/principal.js';
import { MlgateError } from '../../../src/errors.js';
import { createMemoryStore } from '../../../src/store/memory/store.js';
import { type JwksServer, type TestKey, makeKey, signToken, startJwksServer } from '../../helpers/jwks-server.js';

const AUDIENCE = 'mlgate';
const now = new Date();
const nowSeconds = Math.floor(now.getTime() / 1000);

/** Swaps the payload of a signed token, keeping its header and signature. */
function tamper(token: string, change: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as Record<string, unknown>;
  return [header, base64url.encode(JSON.stringify({ ...claims, ...change })), signature].join('.');
}

describe('JWT bearer', () => {
  let provider: JwksServer;
  let rsa: TestKey;
  let ec: TestKey;
  let stranger: TestKey;
  let verifier: JwtVerifier;
  const claims = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    iss: provider.issuer,
    aud: AUDIENCE,
    exp: nowSeconds + 300,
    iat: nowSeconds,
    email: 'alice@example.com',
    ...extra,
  });
  const refusal = async (token: string, v: JwtVerifier = verifier): Promise<unknown> => {
    const result = await v.verify(token, now);
    return result.kind === 'refused' ? result.code : 'verified';
  };

  before(async () => {
    rsa = await makeKey('rsa-1', 'RS256');
    ec = await makeKey('ec-1', 'ES256');
    stranger = await makeKey('rsa-x', 'RS256');
    provider = await startJwksServer([rsa, ec]);
    verifier = createJwtVerifier({
      getKey: createRemoteKeys({
        jwksUri: provider.jwksUri,
        timeoutMs: 2000,
        cacheMaxAgeMs: 600_000,
        cooldownMs: 30_000,
      }),
      issuer: provider.issuer,
      audience: [AUDIENCE],
      algorithms: DEFAULT_JWT_ALGORITHMS,
      clockToleranceSeconds: 30,
    });
  });
  after(() => provider.close());

  describe('verification', () => {
    it('accepts tokens signed by a published RSA or EC key', async () => {
      expect(await refusal(await signToken(rsa, claims()))).to.equal('verified');
      expect(await refusal(await signToken(ec, claims()))).to.equal('verified');
      const result = await verifier.verify(await signToken(rsa, claims({ aud: ['other', AUDIENCE] })), now);
      expect(result.kind).to.equal('verified');
    });

    it('refuses an expired token (beyond the clock tolerance) with MLGATE_BEARER_EXPIRED', async () => {
      expect(await refusal(await signToken(rsa, claims({ exp: nowSeconds - 31 })))).to.equal('MLGATE_BEARER_EXPIRED');
      expect(await refusal(await signToken(rsa, claims({ exp: nowSeconds - 10 })))).to.equal('verified');
    });

    it('refuses another audience with MLGATE_BEARER_WRONG_AUDIENCE', async () => {
      expect(await refusal(await signToken(rsa, claims({ aud: 'someone-else' })))).to.equal(
        'MLGATE_BEARER_WRONG_AUDIENCE',
      );
    });

    it('refuses another issuer with MLGATE_BEARER_WRONG_ISSUER', async () => {
      expect(await refusal(await signToken(rsa, claims({ iss: 'https://evil.example' })))).to.equal(
        'MLGATE_BEARER_WRONG_ISSUER',
      );
    });

    it('requires iss, aud and exp (MLGATE_BEARER_CLAIM_MISSING)', async () => {
      for (const claim of ['iss', 'aud', 'exp']) {
        const token = await signToken(rsa, claims({ [claim]: undefined }));
        const result = await verifier.verify(token, now);
        expect(result.kind === 'refused' && result.code, claim).to.equal('MLGATE_BEARER_CLAIM_MISSING');
        expect(result.kind === 'refused' && result.details, claim).to.deep.equal({ claim });
      }
    });

    it('refuses a token not valid yet, or with a malformed exp, with MLGATE_BEARER_CLAIM_INVALID', async () => {
      expect(await refusal(await signToken(rsa, claims({ nbf: nowSeconds + 600 })))).to.equal(
        'MLGATE_BEARER_CLAIM_INVALID',
      );
      expect(await refusal(await signToken(rsa, claims({ exp: 'tomorrow' })))).to.equal('MLGATE_BEARER_CLAIM_INVALID');
    });

    it('refuses a key the provider does not publish with MLGATE_BEARER_UNKNOWN_KEY', async () => {
      expect(await refusal(await signToken(stranger, claims()))).to.equal('MLGATE_BEARER_UNKNOWN_KEY');
      // The stranger's key posing under a published key id is a bad signature.
      expect(await refusal(await signToken(stranger, claims(), { kid: rsa.kid }))).to.equal(
        'MLGATE_BEARER_BAD_SIGNATURE',
      );
    });

    it('refuses unsigned tokens ("alg": "none", any case) with MLGATE_BEARER_ALG_NONE', async () => {
      const unsigned = new UnsecuredJWT(claims()).encode();
      expect(await refusal(unsigned)).to.equal('MLGATE_BEARER_ALG_NONE');
      const header = base64url.encode(JSON.stringify({ alg: 'NoNe', typ: 'JWT' }));
      expect(await refusal(`${header}.${unsigned.split('.')[1]}.`)).to.equal('MLGATE_BEARER_ALG_NONE');
    });

    it('refuses an HS256 token "signed" with the RSA public key as the secret (algorithm confusion)', async () => {
      const pem = new TextEncoder().encode(await exportSPKI(rsa.publicKey));
      for (const secret of [pem, new TextEncoder().encode(JSON.stringify(rsa.publicJwk))]) {
        const forged = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: rsa.kid }).sign(secret);
        expect(await refusal(forged)).to.equal('MLGATE_BEARER_ALG_NOT_ALLOWED');
      }
    });

    it('refuses an algorithm outside the configured allow-list', async () => {
      const ecOnly = createJwtVerifier({
        getKey: createRemoteKeys({ jwksUri: provider.jwksUri, timeoutMs: 2000, cacheMaxAgeMs: 600_000, cooldownMs: 0 }),
        issuer: provider.issuer,
        audience: [AUDIENCE],
        algorithms: ['ES256'],
        clockToleranceSeconds: 0,
      });
      expect(await refusal(await signToken(rsa, claims()), ecOnly)).to.equal('MLGATE_BEARER_ALG_NOT_ALLOWED');
      expect(await refusal(await signToken(ec, claims()), ecOnly)).to.equal('verified');
    });

    it('refuses a tampered token with MLGATE_BEARER_BAD_SIGNATURE', async () => {
      const token = await signToken(rsa, claims());
      expect(await refusal(tamper(token, { email: 'admin@example.com' }))).to.equal('MLGATE_BEARER_BAD_SIGNATURE');
      expect(await refusal(tamper(token, { exp: nowSeconds + 999_999 }))).to.equal('MLGATE_BEARER_BAD_SIGNATURE');
      const [head, body] = token.split('.');
      expect(await refusal(`${head}.${body}.${base64url.encode('not the signature')}`)).to.equal(
        'MLGATE_BEARER_BAD_SIGNATURE',
      );
    });

    it('refuses what is not a signed JWT with MLGATE_BEARER_MALFORMED', async () => {
      const jwe = 'eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d';
      for (const token of ['mlg_notajwt', 'a.b', 'a.b.c.d', '!!.??.**', 'eyJub3QganNvbg.e30.', jwe, 'e30.e30.']) {
        expect(await refusal(token), token).to.equal('MLGATE_BEARER_MALFORMED');
      }
    });

    it('fetches keys again for an unknown key id (rotation), at most once per cooldown', async () => {
      const rotating = await startJwksServer([rsa]);
      try {
        const keys = createRemoteKeys({
          jwksUri: rotating.jwksUri,
          timeoutMs: 2000,
          cacheMaxAgeMs: 600_000,
          cooldownMs: 60_000,
        });
        const v = createJwtVerifier({
          getKey: keys,
          issuer: provider.issuer,
          audience: [AUDIENCE],
          algorithms: DEFAULT_JWT_ALGORITHMS,
          clockToleranceSeconds: 0,
        });
        expect(await refusal(await signToken(rsa, claims()), v)).to.equal('verified');
        expect(rotating.fetches()).to.equal(1);
        for (let i = 0; i < 5; i++) {
          expect(await refusal(await signToken(stranger, claims(), { kid: `made-up-${i}` }), v)).to.equal(
            'MLGATE_BEARER_UNKNOWN_KEY',
          );
        }
        expect(rotating.fetches(), 'made-up key ids within the cooldown fetch nothing').to.equal(1);

        const fresh = createRemoteKeys({
          jwksUri: rotating.jwksUri,
          timeoutMs: 2000,
          cacheMaxAgeMs: 600_000,
          cooldownMs: 0,
        });
        const v2 = createJwtVerifier({
          getKey: fresh,
          issuer: provider.issuer,
          audience: [AUDIENCE],
          algorithms: DEFAULT_JWT_ALGORITHMS,
          clockToleranceSeconds: 0,
        });
        expect(await refusal(await signToken(rsa, claims()), v2)).to.equal('verified');
        const rotated = await makeKey('rsa-2');
        rotating.keys.push(rotated);
        expect(await refusal(await signToken(rotated, claims()), v2)).to.equal('verified');
      } finally {
        await rotating.close();
      }
    });

    it('answers 503 MLGATE_BEARER_KEYS_UNAVAILABLE when the key set cannot be fetched', async () => {
      const gone = await startJwksServer([rsa]);
      await gone.close();
      const v = createJwtVerifier({
        getKey: createRemoteKeys({ jwksUri: gone.jwksUri, timeoutMs: 500, cacheMaxAgeMs: 600_000, cooldownMs: 0 }),
        issuer: provider.issuer,
        audience: [AUDIENCE],
        algorithms: DEFAULT_JWT_ALGORITHMS,
        clockToleranceSeconds: 0,
      });
      const result = await v.verify(await signToken(rsa, claims()), now);
      expect(result.kind === 'refused' && result.code).to.equal('MLGATE_BEARER_KEYS_UNAVAILABLE');
      expect(new MlgateError('MLGATE_BEARER_KEYS_UNAVAILABLE').status).to.equal(503);
      // The authenticator throws it (an outage, not a failed credential: the throttle never counts it).
      const authenticator = createBearerAuthenticator({
        verifier: v,
        users: createExternalUsers({ users: createMemoryStore().users, provision: true, ttlMs: 0, maxEntries: 1 }),
        realm: 'mlgate',
        usernameClaims: ['email'],
        groupsClaim: 'groups',
        trustGroupClaims: false,
      });
      const token = await signToken(rsa, claims());
      const thrown = await authenticator
        .authenticate({
          headers: {},
          rawHeaders: ['Authorization', `Bearer ${token}`],
          peerAddress: '127.0.0.1',
          secure: false,
          session: null,
          now,
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(thrown).to.be.instanceOf(MlgateError);
      expect((thrown as MlgateError).code).to.equal('MLGATE_BEARER_KEYS_UNAVAILABLE');

      const broken = http.createServer((req, res) => {
        res.writeHead(req.url === '/500' ? 500 : 200, { 'content-type': 'text/html' }).end('<html>oops</html>');
      });
      await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
      try {
        const base = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
        for (const path of ['/500', '/html']) {
          const v2 = createJwtVerifier({
            getKey: createRemoteKeys({ jwksUri: base + path, timeoutMs: 500, cacheMaxAgeMs: 600_000, cooldownMs: 0 }),
            issuer: provider.issuer,
            audience: [AUDIENCE],
            algorithms: DEFAULT_JWT_ALGORITHMS,
            clockToleranceSeconds: 0,
          });
          const answer = await v2.verify(await signToken(rsa, claims()), now);
          expect(answer.kind === 'refused' && answer.code, path).to.equal('MLGATE_BEARER_KEYS_UNAVAILABLE');
        }
      } finally {
        broken.close();
      }
    });
  });

  describe('configuration helpers', () => {
    it('never allows none or HMAC algorithms, nor unknown ones', () => {
      expect(algorithmProblem('none')).to.be.a('string');
      expect(algorithmProblem('HS256')).to.be.a('string');
      expect(algorithmProblem('hs512')).to.be.a('string');
      expect(algorithmProblem('RSA1_5')).to.be.a('string');
      for (const alg of DEFAULT_JWT_ALGORITHMS) {
        expect(algorithmProblem(alg), alg).to.equal(null);
      }
    });

    it('reads the issuer and JWKS URI from the discovery document, and fails clearly otherwise', async () => {
      expect(await discoverProviderKeys({ discoveryUrl: provider.discoveryUrl, timeoutMs: 2000 })).to.deep.equal({
        issuer: provider.issuer,
        jwksUri: provider.jwksUri,
      });
      const error = await discoverProviderKeys({ discoveryUrl: `${provider.url}/nothing`, timeoutMs: 2000 }).catch(
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(MlgateError);
      expect((error as MlgateError).message).to.include('HTTP 404');
      const remoteKeys: Fetch = () =>
        Promise.resolve(Response.json({ issuer: 'https://idp.example', jwks_uri: 'http://idp.example/keys' }));
      const insecure = await discoverProviderKeys({
        discoveryUrl: 'https://idp.example/d',
        timeoutMs: 2000,
        fetch: remoteKeys,
      }).catch((e: unknown) => e);
      expect((insecure as MlgateError).message).to.include('must use https');
    });
  });

  describe('claims', () => {
    it("takes the username from the configured claims in order, then client_id, then azp (the client's own token)", () => {
      const order = ['email', 'preferred_username'];
      expect(usernameFromClaims({ email: 'Alice@Example.com', preferred_username: 'al' }, order)).to.deep.equal({
        kind: 'ok',
        username: 'alice@example.com',
        claim: 'email',
      });
      expect(usernameFromClaims({ preferred_username: 'al', sub: 'x' }, order)).to.include({ username: 'al' });
      expect(usernameFromClaims({ client_id: 'ci-runner', azp: 'other', sub: 'ci-runner' }, order)).to.include({
        username: 'ci-runner',
        claim: 'client_id',
      });
      expect(usernameFromClaims({ client_id: 'ci-runner' }, order)).to.include({ username: 'ci-runner' });
      expect(usernameFromClaims({ azp: 'Argo-Workflows' }, order)).to.include({ username: 'argo-workflows' });
      // A person's token (a subject that is not the client) without a username claim does not act as the client.
      expect(usernameFromClaims({ client_id: 'admin', sub: 'eve' }, order)).to.include({ kind: 'missing' });
      expect(usernameFromClaims({ azp: 'admin', sub: 'eve' }, order)).to.include({ kind: 'missing' });
      expect(usernameFromClaims({ sub: '1234' }, order)).to.include({ kind: 'missing' });
      expect(usernameFromClaims({ sub: '1234' }, ['sub'])).to.include({ username: '1234' });
      expect(usernameFromClaims({ email: 'not a name' }, order)).to.deep.equal({ kind: 'invalid', claim: 'email' });
      for (const unverified of [false, 'false', 'False', 0, null]) {
        expect(
          usernameFromClaims({ email: 'a@b.org', email_verified: unverified }, order),
          String(unverified),
        ).to.include({ kind: 'invalid' });
      }
      for (const verified of [true, 'true']) {
        expect(usernameFromClaims({ email: 'a@b.org', email_verified: verified }, order)).to.include({ kind: 'ok' });
      }
      expect(usernameFromClaims({ email: 'a@b.org' }, order), 'a provider that says nothing').to.include({
        kind: 'ok',
      });
      expect(usernameFromClaims({ email: 42, preferred_username: 'bob' }, order)).to.include({ username: 'bob' });
      expect(usernameFromClaims({ email: 'eve@x.io', email_verified: false }, order)).to.deep.equal({
        kind: 'invalid',
        claim: 'email',
      });
      expect(usernameFromClaims({ email: 'eve@x.io', email_verified: true }, order)).to.include({
        username: 'eve@x.io',
      });
    });

    it('reads groups from a claim name with colons, a dotted path, or a bare string', () => {
      expect(groupsFromClaims({ groups: ['a', 'b', 'a', 7, ''] }, 'groups')).to.deep.equal(['a', 'b']);
      expect(groupsFromClaims({ 'urn:mlflow:groups': 'solo' }, 'urn:mlflow:groups')).to.deep.equal(['solo']);
      expect(groupsFromClaims({ realm_access: { roles: ['r1'] } }, 'realm_access.roles')).to.deep.equal(['r1']);
      expect(groupsFromClaims({ realm_access: 'x' }, 'realm_access.roles')).to.deep.equal([]);
      expect(groupsFromClaims({}, 'groups')).to.deep.equal([]);
    });
  });

  describe('Authorization header', () => {
    it('reads one Bearer token; other schemes are not ours', () => {
      expect(readBearer([])).to.deep.equal({ kind: 'none' });
      expect(readBearer(['Basic YTpi'])).to.deep.equal({ kind: 'none' });
      expect(readBearer(['Bearer abc.def.ghi'])).to.deep.equal({ kind: 'token', token: 'abc.def.ghi' });
      expect(readBearer(['bearer   abc.def.ghi '])).to.deep.equal({ kind: 'token', token: 'abc.def.ghi' });
      expect(readBearer(['Bearer'])).to.include({ kind: 'malformed' });
      expect(readBearer(['Bearer a b'])).to.include({ kind: 'malformed' });
      expect(readBearer(['Bearer abc.def.ghi', 'Basic YTpi'])).to.deep.equal({
        kind: 'malformed',
        reason: 'more than one Authorization header',
      });
      expect(readBearer(['Bearer x.y.z', 'Bearer x.y.z'])).to.include({ kind: 'malformed' });
    });
  });

  describe('authenticator', () => {
    const request = (...authorization: string[]): AuthRequest => ({
      headers: authorization.length === 0 ? {} : { authorization: authorization[0] },
      rawHeaders: authorization.flatMap((value) => ['Authorization', value]),
      peerAddress: '127.0.0.1',
      secure: false,
      session: null,
      now,
    });
    const code = (outcome: AuthOutcome): string => (outcome.kind === 'rejected' ? outcome.error.code : outcome.kind);

    const setup = async (options: { provision: boolean; trustGroupClaims: boolean }) => {
      const store = createMemoryStore();
      await store.users.create({ username: 'alice@example.com', isAdmin: false, groups: ['team-a'] });
      const authenticator = createBearerAuthenticator({
        verifier,
        users: createExternalUsers({ users: store.users, provision: options.provision, ttlMs: 0, maxEntries: 10 }),
        realm: 'mlgate',
        usernameClaims: ['email', 'preferred_username'],
        groupsClaim: 'groups',
        trustGroupClaims: options.trustGroupClaims,
      });
      return { store, authenticator };
    };

    it('offers a Bearer challenge and leaves other credentials to others', async () => {
      const { authenticator } = await setup({ provision: false, trustGroupClaims: false });
      expect(authenticator.challenge).to.equal('Bearer realm="mlgate"');
      expect(code(await authenticator.authenticate(request()))).to.equal('not-mine');
      expect(code(await authenticator.authenticate(request('Basic YTpi')))).to.equal('not-mine');
    });

    it('authenticates a known user; token groups do not count unless trusted', async () => {
      const { authenticator } = await setup({ provision: false, trustGroupClaims: false });
      const token = await signToken(rsa, claims({ groups: ['mlflow-admin'], jti: 'j1' }));
      const outcome = await authenticator.authenticate(request(`Bearer ${token}`));
      expect(outcome.kind).to.equal('authenticated');
      if (outcome.kind === 'authenticated') {
        expect(outcome.principal).to.deep.equal({
          authenticated: true,
          username: 'alice@example.com',
          isAdmin: false,
          groups: ['team-a'],
          method: 'bearer',
          credentialId: 'jti:j1',
        });
      }
    });

    it('adds the token groups to the stored ones when group claims are trusted', async () => {
      const { authenticator } = await setup({ provision: false, trustGroupClaims: true });
      const token = await signToken(rsa, claims({ groups: ['mlflow-admin', 'team-a'] }));
      const outcome = await authenticator.authenticate(request(`Bearer ${token}`));
      expect(outcome.kind === 'authenticated' && outcome.principal.groups).to.deep.equal(['team-a', 'mlflow-admin']);
      expect(outcome.kind === 'authenticated' && outcome.principal.isAdmin).to.equal(false);
    });

    it('refuses an unknown user unless provisioning is on, which creates it on first use', async () => {
      const machine = await signToken(rsa, claims({ email: undefined, client_id: 'ci-runner', groups: ['x'] }));
      const off = await setup({ provision: false, trustGroupClaims: false });
      expect(code(await off.authenticator.authenticate(request(`Bearer ${machine}`)))).to.equal(
        'MLGATE_BEARER_UNKNOWN_USER',
      );
      expect(await off.store.users.get('ci-runner')).to.equal(null);

      const on = await setup({ provision: true, trustGroupClaims: false });
      const outcome = await on.authenticator.authenticate(request(`Bearer ${machine}`));
      expect(outcome.kind === 'authenticated' && outcome.principal.username).to.equal('ci-runner');
      expect(await on.store.users.get('ci-runner')).to.deep.include({ isAdmin: false, groups: [] });
      expect(code(await on.authenticator.authenticate(request(`Bearer ${machine}`)))).to.equal('authenticated');
    });

    it('refuses a verified token that names nobody, or an unusable name', async () => {
      const { authenticator } = await setup({ provision: true, trustGroupClaims: false });
      const nobody = await signToken(rsa, claims({ email: undefined, sub: 'abc' }));
      expect(code(await authenticator.authenticate(request(`Bearer ${nobody}`)))).to.equal(
        'MLGATE_BEARER_CLAIM_MISSING',
      );
      const odd = await signToken(rsa, claims({ email: 'two words' }));
      expect(code(await authenticator.authenticate(request(`Bearer ${odd}`)))).to.equal('MLGATE_BEARER_CLAIM_INVALID');
    });

    it('refuses duplicated Authorization headers and a Bearer value that is not a JWT', async () => {
      const { authenticator } = await setup({ provision: false, trustGroupClaims: false });
      const token = await signToken(rsa, claims());
      expect(code(await authenticator.authenticate(request(`Bearer ${token}`, 'Basic YTpi')))).to.equal(
        'MLGATE_BEARER_MALFORMED',
      );
      expect(code(await authenticator.authenticate(request(`Bearer ${token}`, `Bearer ${token}`)))).to.equal(
        'MLGATE_BEARER_MALFORMED',
      );
      expect(code(await authenticator.authenticate(request('Bearer mlg_abcdef')))).to.equal('MLGATE_BEARER_MALFORMED');
      const outcome = await authenticator.authenticate(request(`Bearer ${token}x`));
      expect(outcome.kind === 'rejected' && outcome.error.status).to.equal(401);
    });
  });
});
