import { expect } from 'chai';

import { createBasicAuthenticator } from '../../../src/auth/basic-authenticator.js';
import { parseAuthorization } from '../../../src/auth/basic-header.js';
import { authenticate } from '../../../src/auth/chain.js';
import { createCredentialVerifier } from '../../../src/auth/credentials.js';
import { ANONYMOUS, type Authenticator } from '../../../src/auth/principal.js';
import { createTokenHasher, deriveTokenKey, generateToken } from '../../../src/auth/tokens.js';
import { MlgateError } from '../../../src/errors.js';
import { authRequest } from '../../helpers/auth.js';
import type { TokenRecord, TokenRepository, UserRecord, UserRepository } from '../../../src/store/types.js';

const basic = (credentials: string): string => 'Basic ' + Buffer.from(credentials).toString('base64');

describe('Authorization header parsing', () => {
  it('reads Basic credentials; the token may contain colons', () => {
    expect(parseAuthorization(basic('alice:mlg_a:b'))).to.deep.equal({
      kind: 'basic',
      username: 'alice',
      password: 'mlg_a:b',
    });
    expect(parseAuthorization('basic ' + Buffer.from('u:p').toString('base64'))).to.include({ kind: 'basic' });
  });

  it('reports no header, other schemes, and malformed credentials', () => {
    expect(parseAuthorization(undefined)).to.deep.equal({ kind: 'none' });
    expect(parseAuthorization('Bearer abc')).to.deep.equal({ kind: 'other', scheme: 'Bearer' });
    expect(parseAuthorization('Basic !!!')).to.include({ kind: 'malformed' });
    expect(parseAuthorization(basic('no-colon'))).to.include({ kind: 'malformed' });
    expect(parseAuthorization(basic(':empty-user'))).to.include({ kind: 'malformed' });
    expect(parseAuthorization('   ')).to.include({ kind: 'malformed' });
    expect(parseAuthorization(['a', 'b'])).to.include({ kind: 'malformed' });
  });
});

describe('basic authenticator', () => {
  const now = new Date('2026-11-01T00:00:00Z');
  const alice: UserRecord = { username: 'alice', isAdmin: false, groups: ['team-a'], createdAt: now };
  const hasher = createTokenHasher(deriveTokenKey('a unit test secret key, 32 characters or more'));
  const good = generateToken(hasher);
  const expired = generateToken(hasher);
  const tokens: TokenRecord[] = [
    { id: good.id, username: 'alice', name: 'ci', hash: good.hash, createdAt: now, expiresAt: null, lastUsedAt: null },
    {
      id: expired.id,
      username: 'alice',
      name: 'old',
      hash: expired.hash,
      createdAt: now,
      expiresAt: new Date('2026-10-01T00:00:00Z'),
      lastUsedAt: null,
    },
  ];
  let lookups = 0;
  const tokenRepo = {
    findById: (id: string) => {
      lookups += 1;
      return Promise.resolve(tokens.find((t) => t.id === id) ?? null);
    },
  } as unknown as TokenRepository;
  const users = new Map<string, UserRecord>([['alice', alice]]);
  const userRepo = { get: (name: string) => Promise.resolve(users.get(name) ?? null) } as unknown as UserRepository;

  const authenticator = createBasicAuthenticator({
    verifier: createCredentialVerifier({ tokens: tokenRepo, users: userRepo, hasher, ttlMs: 0, maxEntries: 10 }),
    realm: 'mlgate',
  });
  const attempt = (authorization?: string) =>
    authenticator.authenticate(authRequest({ headers: authorization === undefined ? {} : { authorization }, now }));

  it('authenticates a user with a valid token, case-insensitively on the username', async () => {
    const outcome = await attempt(basic(`Alice:${good.token}`));
    expect(outcome.kind).to.equal('authenticated');
    if (outcome.kind === 'authenticated') {
      expect(outcome.principal).to.deep.include({
        username: 'alice',
        groups: ['team-a'],
        method: 'basic',
        credentialId: good.id,
      });
    }
  });

  it('offers the Basic challenge, naming the realm', () => {
    expect(authenticator.challenge).to.equal('Basic realm="mlgate", charset="UTF-8"');
  });

  it('rejects a wrong token, a token of another user and an unknown user with 401 MLGATE_AUTH_INVALID', async () => {
    const sameId = good.token.slice(0, -1) + (good.token.endsWith('A') ? 'B' : 'A');
    const otherKey = generateToken(createTokenHasher(deriveTokenKey('another secret key of 32 characters or more')));
    tokens.push({ ...(tokens[0] as TokenRecord), id: otherKey.id, name: 'other-key', hash: otherKey.hash });
    const unknownId = `mlg_0000000000000000_${good.token.slice(-43)}`;
    const headers = [
      basic('alice:mlg_wrong'),
      basic(`alice:${sameId}`),
      basic(`alice:${unknownId}`),
      basic(`bob:${good.token}`),
      basic('nobody:x'),
      basic(`alice:${good.token} `),
    ];
    for (const header of headers) {
      const outcome = await attempt(header);
      expect(outcome.kind).to.equal('rejected');
      if (outcome.kind === 'rejected') {
        expect(outcome.error.code).to.equal('MLGATE_AUTH_INVALID');
        expect(outcome.error.status).to.equal(401);
      }
    }
    // A token hashed with another key (another SECRET_KEY) is refused too, even though its record exists.
    const outcome = await attempt(basic(`alice:${otherKey.token}`));
    expect(outcome.kind === 'rejected' && outcome.error.code).to.equal('MLGATE_AUTH_INVALID');
  });

  it('names the claimed username in a rejection, for throttling', async () => {
    const outcome = await attempt(basic('Mallory:mlg_wrong'));
    expect(outcome.kind === 'rejected' && outcome.username).to.equal('Mallory');
  });

  it('refuses a token of the first format (mlg_ and 43 characters) with 401 MLGATE_AUTH_TOKEN_OUTDATED', async () => {
    const outcome = await attempt(basic(`alice:mlg_${'x'.repeat(43)}`));
    expect(outcome.kind === 'rejected' && outcome.error.code).to.equal('MLGATE_AUTH_TOKEN_OUTDATED');
    expect(outcome.kind === 'rejected' && outcome.error.status).to.equal(401);
  });

  it('rejects an expired token with 401 MLGATE_AUTH_TOKEN_EXPIRED', async () => {
    const outcome = await attempt(basic(`alice:${expired.token}`));
    expect(outcome.kind === 'rejected' && outcome.error.code).to.equal('MLGATE_AUTH_TOKEN_EXPIRED');
  });

  it('rejects a token whose user was deleted', async () => {
    users.delete('alice');
    try {
      const outcome = await attempt(basic(`alice:${good.token}`));
      expect(outcome.kind === 'rejected' && outcome.error.code).to.equal('MLGATE_AUTH_INVALID');
    } finally {
      users.set('alice', alice);
    }
  });

  it('rejects a repeated Authorization header even when Node kept only the first', async () => {
    const header = basic(`alice:${good.token}`);
    const outcome = await authenticator.authenticate(
      authRequest({
        headers: { authorization: header },
        rawHeaders: ['Authorization', header, 'authorization', header],
      }),
    );
    expect(outcome.kind === 'rejected' && outcome.error.code).to.equal('MLGATE_AUTH_MALFORMED');
  });

  it('rejects malformed Basic credentials', async () => {
    const outcome = await attempt('Basic %%%');
    expect(outcome.kind === 'rejected' && outcome.error.code).to.equal('MLGATE_AUTH_MALFORMED');
  });

  it('leaves requests without Basic credentials to others', async () => {
    expect((await attempt()).kind).to.equal('not-mine');
    expect((await attempt('Bearer x')).kind).to.equal('not-mine');
  });

  it('re-reads a user after the TTL even while the user keeps calling (demotion takes effect)', async () => {
    const admin: UserRecord = { username: 'boss', isAdmin: true, groups: ['mlflow-admin'], createdAt: now };
    const bossToken = generateToken(hasher);
    tokens.push({
      id: bossToken.id,
      username: 'boss',
      name: 'x',
      hash: bossToken.hash,
      createdAt: now,
      expiresAt: null,
      lastUsedAt: null,
    });
    users.set('boss', admin);
    const cached = createBasicAuthenticator({
      verifier: createCredentialVerifier({ tokens: tokenRepo, users: userRepo, hasher, ttlMs: 150, maxEntries: 10 }),
      realm: 'mlgate',
    });
    const isAdmin = async (): Promise<boolean> => {
      const outcome = await cached.authenticate(
        authRequest({ headers: { authorization: basic(`boss:${bossToken.token}`) }, now }),
      );
      // Demotion must not look like a failed authentication.
      expect(outcome.kind).to.equal('authenticated');
      return outcome.kind === 'authenticated' && outcome.principal.isAdmin;
    };
    expect(await isAdmin()).to.be.true;
    users.set('boss', { ...admin, isAdmin: false, groups: [] });
    const demotedAt = Date.now();
    while ((await isAdmin()) && Date.now() - demotedAt < 2_000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(Date.now() - demotedAt, 'demotion seen within the TTL').to.be.below(150 + 200);
  });

  it('reuses verified tokens within the cache TTL only', async () => {
    const cached = createBasicAuthenticator({
      verifier: createCredentialVerifier({ tokens: tokenRepo, users: userRepo, hasher, ttlMs: 60_000, maxEntries: 10 }),
      realm: 'mlgate',
    });
    lookups = 0;
    for (let i = 0; i < 3; i++) {
      await cached.authenticate(authRequest({ headers: { authorization: basic(`alice:${good.token}`) }, now }));
    }
    expect(lookups).to.equal(1);
    lookups = 0;
    for (let i = 0; i < 3; i++) {
      await attempt(basic(`alice:${good.token}`));
    }
    expect(lookups).to.equal(3);
  });
});

describe('authenticator chain', () => {
  const now = new Date();
  const principal = { authenticated: true, username: 'x', isAdmin: false, groups: [], method: 'basic' } as const;
  const fixed = (outcome: Awaited<ReturnType<Authenticator['authenticate']>>): Authenticator => ({
    name: 'fixed',
    challenge: null,
    authenticate: () => Promise.resolve(outcome),
  });

  it('returns the first authenticated principal', async () => {
    const result = await authenticate(
      [fixed({ kind: 'not-mine' }), fixed({ kind: 'authenticated', principal })],
      authRequest({ now }),
    );
    expect(result).to.equal(principal);
  });

  it('stops at a rejected credential, never falling back to anonymous', async () => {
    const error = new MlgateError('MLGATE_AUTH_INVALID');
    try {
      await authenticate(
        [fixed({ kind: 'rejected', error }), fixed({ kind: 'authenticated', principal })],
        authRequest({ now }),
      );
      expect.fail('expected rejection');
    } catch (thrown) {
      expect(thrown).to.equal(error);
    }
  });

  it('is anonymous without credentials', async () => {
    expect(await authenticate([fixed({ kind: 'not-mine' })], authRequest({ now }))).to.equal(ANONYMOUS);
  });

  it('rejects credentials nobody understands with 401 MLGATE_AUTH_UNSUPPORTED', async () => {
    try {
      await authenticate([fixed({ kind: 'not-mine' })], authRequest({ headers: { authorization: 'Bearer abc' }, now }));
      expect.fail('expected rejection');
    } catch (thrown) {
      expect((thrown as MlgateError).code).to.equal('MLGATE_AUTH_UNSUPPORTED');
      expect((thrown as MlgateError).status).to.equal(401);
    }
  });
});
