import { expect } from 'chai';

import { createCredentialVerifier } from '../../../src/auth/credentials.js';
import { type TokenSettings, createTokenService } from '../../../src/auth/token-service.js';
import { createTokenHasher, deriveTokenKey } from '../../../src/auth/tokens.js';
import type { MlgateError } from '../../../src/errors.js';
import { createMemoryStore } from '../../../src/store/memory/store.js';

describe('token service', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const hasher = createTokenHasher(deriveTokenKey('a unit test secret key, 32 characters or more'));
  const settings: TokenSettings = {
    defaultDays: 30,
    maxDays: 366,
    allowNoExpiry: false,
    replaceOnCreate: false,
    maxPerUser: 3,
  };
  const setUp = async (overrides: Partial<TokenSettings> = {}) => {
    const store = createMemoryStore();
    await store.users.create({ username: 'alice', isAdmin: false, groups: [] });
    const service = createTokenService({
      tokens: store.tokens,
      users: store.users,
      hasher,
      settings: { ...settings, ...overrides },
      now: () => now,
    });
    const verifier = createCredentialVerifier({
      tokens: store.tokens,
      users: store.users,
      hasher,
      ttlMs: 0,
      maxEntries: 10,
    });
    return { store, service, verifier };
  };
  const failure = async (run: () => Promise<unknown>): Promise<MlgateError> => {
    try {
      await run();
    } catch (error) {
      return error as MlgateError;
    }
    throw new Error('expected a failure');
  };

  it('creates named tokens that verify, shows the secret once and lists them without it', async () => {
    const { store, service, verifier } = await setUp();
    const laptop = await service.create('alice', { name: 'laptop' });
    const ci = await service.create('alice', { name: 'ci', expiresIn: '7d' });
    expect(laptop).to.deep.include({ username: 'alice', name: 'laptop', replaced: [] });
    expect(laptop.expiresAt?.getTime()).to.equal(now.getTime() + 30 * 86_400_000);
    expect(ci.expiresAt?.getTime()).to.equal(now.getTime() + 7 * 86_400_000);
    for (const token of [laptop, ci]) {
      expect((await verifier.verify('alice', token.token, now)).kind).to.equal('ok');
    }
    const listed = await service.list('alice');
    expect(listed.map((t) => t.name)).to.have.members(['laptop', 'ci']);
    expect(Object.keys(listed[0] as object).sort()).to.deep.equal(
      ['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'username'].sort(),
    );
    expect(JSON.stringify(listed)).to.not.include(laptop.token.slice(-43));
    expect(JSON.stringify(listed)).to.not.include((await store.tokens.findById(laptop.id))?.hash);
  });

  it('revokes one token, which then fails verification, and leaves the others working', async () => {
    const { service, verifier } = await setUp();
    const a = await service.create('alice', { name: 'a' });
    const b = await service.create('alice', { name: 'b' });
    expect(await service.revoke('alice', a.id)).to.equal(true);
    expect(await service.revoke('alice', a.id)).to.equal(false);
    expect((await verifier.verify('alice', a.token, now)).kind).to.equal('invalid');
    expect((await verifier.verify('alice', b.token, now)).kind).to.equal('ok');
  });

  it('refuses a duplicate name, an invalid name, an unknown user and more than tokens.max_per_user', async () => {
    const { service } = await setUp();
    await service.create('alice', { name: 'laptop' });
    expect((await failure(() => service.create('alice', { name: 'laptop' }))).code).to.equal('MLGATE_CONFLICT');
    for (const name of ['', ' lead', 'x'.repeat(65), 'tab\there', 'trailing ']) {
      expect((await failure(() => service.create('alice', { name }))).code, name).to.equal('MLGATE_REQUEST_INVALID');
    }
    expect((await failure(() => service.create('ghost', {}))).code).to.equal('MLGATE_NO_SUCH_OBJECT');
    await service.create('alice', {});
    await service.create('alice', {});
    const limit = await failure(() => service.create('alice', {}));
    expect(limit.code).to.equal('MLGATE_TOKEN_LIMIT');
    expect(limit.status).to.equal(409);
  });

  it('replaces every other token of the user with tokens.replace_on_create (the seed behaviour)', async () => {
    const { service, verifier } = await setUp({ replaceOnCreate: true });
    const first = await service.create('alice', { name: 'default' });
    const second = await service.create('alice', { name: 'default' });
    expect(second.replaced).to.deep.equal([first.id]);
    expect((await verifier.verify('alice', first.token, now)).kind).to.equal('invalid');
    expect((await verifier.verify('alice', second.token, now)).kind).to.equal('ok');
    expect((await service.list('alice')).map((t) => t.id)).to.deep.equal([second.id]);
  });

  it('verifies an expired token as expired', async () => {
    const { service, verifier } = await setUp();
    const token = await service.create('alice', { expiresIn: '1h' });
    expect((await verifier.verify('alice', token.token, new Date(now.getTime() + 3_600_000))).kind).to.equal('expired');
  });
});
