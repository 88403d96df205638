import { expect } from 'chai';

import { createCredentialVerifier } from '../../../src/auth/credentials.js';
import { effectiveGroups, userPrincipal } from '../../../src/auth/effective-groups.js';
import { createTokenHasher, deriveTokenKey, generateToken } from '../../../src/auth/tokens.js';
import { createMemoryStore } from '../../../src/store/memory/store.js';

describe('stored and provider groups', () => {
  it('combine: stored groups, then the provider groups of the last login, each once', () => {
    expect(effectiveGroups({ groups: ['team-a', 'mlflow'], providerGroups: ['mlflow', 'team-b'] })).to.deep.equal([
      'team-a',
      'mlflow',
      'team-b',
    ]);
    expect(effectiveGroups({ groups: [], providerGroups: [] })).to.deep.equal([]);
  });

  it('reach the principal of an access token too, and follow the next provider login', async () => {
    const store = createMemoryStore();
    await store.users.create({ username: 'carol', isAdmin: false, groups: ['stored'] });
    await store.users.recordProviderLogin('carol', ['mlflow-admin']);
    const hasher = createTokenHasher(deriveTokenKey('a unit test secret key, 32 characters or more'));
    const token = generateToken(hasher);
    await store.tokens.create({
      id: token.id,
      username: 'carol',
      name: 'laptop',
      hash: token.hash,
      createdAt: new Date(),
      expiresAt: null,
      lastUsedAt: null,
    });
    const verifier = createCredentialVerifier({
      tokens: store.tokens,
      users: store.users,
      hasher,
      ttlMs: 0,
      maxEntries: 10,
    });
    const first = await verifier.verify('carol', token.token, new Date());
    expect(first.kind === 'ok' && first.principal.groups).to.deep.equal(['stored', 'mlflow-admin']);
    await store.users.recordProviderLogin('carol', ['mlflow']);
    const second = await verifier.verify('carol', token.token, new Date());
    expect(second.kind === 'ok' && second.principal.groups).to.deep.equal(['stored', 'mlflow']);
    expect(second.kind === 'ok' && second.principal.isAdmin).to.equal(false);
  });

  it("make the principal of every kind of credential: stored, provider and the credential's own groups", () => {
    const user = { username: 'dan', isAdmin: false, groups: ['stored'], providerGroups: ['idp'] };
    for (const method of ['basic', 'session', 'bearer', 'proxy'] as const) {
      expect(userPrincipal(user, method, { groups: ['idp', 'token'], credentialId: 'c' })).to.deep.equal({
        authenticated: true,
        username: 'dan',
        isAdmin: false,
        groups: ['stored', 'idp', 'token'],
        method,
        credentialId: 'c',
      });
    }
    expect(userPrincipal({ ...user, isAdmin: true }, 'proxy')).to.not.have.property('credentialId');
  });
});
