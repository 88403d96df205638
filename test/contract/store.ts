/**
 * The store contract: what every Store implementation does, run against MongoDB (FerretDB, integration) and the
 * in-memory store (unit).
 */
import { expect } from 'chai';

import { type NewToken, createTokenHasher, deriveTokenKey, generateToken } from '../../src/auth/tokens.js';
import type { MlgateError } from '../../src/errors.js';
import { createCachedGrantSource } from '../../src/store/grant-cache.js';
import type { PermissionLevel } from '../../src/config/schema.js';
import type { PrincipalType, Store, TokenRecord } from '../../src/store/types.js';

/** A regex rule on experiments to add. */
export const rule = (principalType: PrincipalType, principal: string, pattern: string, priority: number) => ({
  resourceType: 'experiment' as const,
  principalType,
  principal,
  pattern,
  priority,
  permission: 'READ' as PermissionLevel,
  createdBy: 'test',
});

/** Defines the contract's suites inside the caller's describe(); `store()` gives the store under test. */
export function storeContract(store: () => Store): void {
  describe('users', () => {
    it('creates, reads and lists users', async () => {
      await store().users.create({ username: 'alice', isAdmin: false, groups: ['team-a', 'team-b'] });
      await store().users.create({ username: 'root', isAdmin: true, groups: [] });
      const alice = await store().users.get('alice');
      expect(alice).to.deep.include({ username: 'alice', isAdmin: false, groups: ['team-a', 'team-b'] });
      expect(alice?.createdAt).to.be.instanceOf(Date);
      expect((await store().users.list()).map((u) => u.username)).to.deep.equal(['alice', 'root']);
      expect(await store().users.get('nobody')).to.equal(null);
    });

    it('updates the admin flag and groups, and deletes users', async () => {
      await store().users.create({ username: 'temp', isAdmin: false, groups: ['a'] });
      expect(await store().users.update('temp', { isAdmin: true })).to.deep.include({ isAdmin: true, groups: ['a'] });
      expect(await store().users.update('temp', { groups: ['b', 'c'] })).to.deep.include({
        isAdmin: true,
        groups: ['b', 'c'],
      });
      expect(await store().users.update('ghost', { isAdmin: true })).to.equal(null);
      expect(await store().users.delete('temp')).to.equal(true);
      expect(await store().users.delete('temp')).to.equal(false);
      expect(await store().users.get('temp')).to.equal(null);
    });

    it('refuses a duplicate user with MLGATE_CONFLICT', async () => {
      try {
        await store().users.create({ username: 'alice', isAdmin: true, groups: [] });
        expect.fail('expected a conflict');
      } catch (error) {
        expect((error as MlgateError).code).to.equal('MLGATE_CONFLICT');
      }
      expect((await store().users.get('alice'))?.isAdmin).to.equal(false);
    });
  });

  describe('provider logins', () => {
    it('creates the user on first login, not an administrator, with no stored groups', async () => {
      const user = await store().users.recordProviderLogin('sso-new', ['mlflow', 'team-b']);
      expect(user).to.deep.include({
        username: 'sso-new',
        isAdmin: false,
        groups: [],
        providerGroups: ['mlflow', 'team-b'],
      });
      expect(user.createdAt).to.be.instanceOf(Date);
      expect(await store().users.get('sso-new')).to.deep.include({ providerGroups: ['mlflow', 'team-b'] });
    });

    it('replaces the provider groups at each login, keeping the admin flag and stored groups', async () => {
      await store().users.create({ username: 'sso-old', isAdmin: true, groups: ['stored'] });
      expect((await store().users.get('sso-old'))?.providerGroups).to.deep.equal([]);
      await store().users.recordProviderLogin('sso-old', ['mlflow-admin']);
      const after = await store().users.recordProviderLogin('sso-old', ['mlflow']);
      expect(after).to.deep.include({ isAdmin: true, groups: ['stored'], providerGroups: ['mlflow'] });
      expect((await store().users.recordProviderLogin('sso-old', [])).providerGroups).to.deep.equal([]);
      // Stored groups changed by an administrator leave the provider groups alone.
      expect(await store().users.update('sso-old', { groups: ['x'] })).to.deep.include({ providerGroups: [] });
    });
  });

  describe('login states', () => {
    const state = (id: string, expiresAt: Date) => ({
      id,
      provider: 'oidc',
      state: `state-${id}`,
      nonce: `nonce-${id}`,
      codeVerifier: `verifier-${id}`,
      redirectUri: 'https://gw.example/callback',
      returnTo: '/#/experiments',
      createdAt: new Date(),
      expiresAt,
    });

    it('gives a state back once (single use)', async () => {
      const record = state('ls-1', new Date(Date.now() + 60_000));
      await store().loginStates.put(record);
      expect(await store().loginStates.take('ls-1', new Date())).to.deep.equal(record);
      expect(await store().loginStates.take('ls-1', new Date())).to.equal(null);
      expect(await store().loginStates.take('ls-unknown', new Date())).to.equal(null);
    });

    it('does not give back an expired state, and removes it', async () => {
      await store().loginStates.put(state('ls-2', new Date(Date.now() + 60_000)));
      expect(await store().loginStates.take('ls-2', new Date(Date.now() + 61_000))).to.equal(null);
      expect(await store().loginStates.take('ls-2', new Date())).to.equal(null);
    });

    it('refuses a second state with the same id (MLGATE_CONFLICT)', async () => {
      await store().loginStates.put(state('ls-3', new Date(Date.now() + 60_000)));
      try {
        await store().loginStates.put(state('ls-3', new Date(Date.now() + 60_000)));
        expect.fail('expected a conflict');
      } catch (error) {
        expect((error as MlgateError).code).to.equal('MLGATE_CONFLICT');
      }
    });
  });

  describe('access tokens', () => {
    const hasher = createTokenHasher(deriveTokenKey('a contract test secret of 32 chars or more'));
    const token = generateToken(hasher);
    const record = (t: NewToken, username: string, name: string, expiresAt: Date | null = null): TokenRecord => ({
      id: t.id,
      username,
      name,
      hash: t.hash,
      createdAt: new Date(),
      expiresAt,
      lastUsedAt: null,
    });

    it('stores only the keyed hash and finds the token by its id', async () => {
      await store().tokens.create(record(token, 'alice', 'ci'));
      const found = await store().tokens.findById(token.id);
      expect(found).to.deep.include({ id: token.id, username: 'alice', name: 'ci', expiresAt: null, lastUsedAt: null });
      expect(found?.hash).to.equal(token.hash);
      expect(JSON.stringify(found)).to.not.include(token.token.slice(-43));
      expect(await store().tokens.findById(generateToken(hasher).id)).to.equal(null);
    });

    it("refuses a second token of the same name for the same user (MLGATE_CONFLICT), another user's is fine", async () => {
      const again = generateToken(hasher);
      try {
        await store().tokens.create(record(again, 'alice', 'ci'));
        expect.fail('expected a conflict');
      } catch (error) {
        expect((error as MlgateError).code).to.equal('MLGATE_CONFLICT');
        expect((error as MlgateError).message).to.include('"ci"');
      }
      expect(await store().tokens.findById(again.id)).to.equal(null);
      await store().tokens.create(record(again, 'root', 'ci'));
      expect((await store().tokens.findById(again.id))?.username).to.equal('root');
    });

    it('records when a token was last used', async () => {
      const at = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
      await store().tokens.touch(token.id, at);
      expect((await store().tokens.findById(token.id))?.lastUsedAt?.getTime()).to.equal(at.getTime());
      await store().tokens.touch('0000000000000000', at); // gone: nothing happens
    });

    it("lists a user's tokens oldest first and revokes them by id, only for their owner", async () => {
      const second = generateToken(hasher);
      const expiresAt = new Date(Date.now() + 60_000);
      await store().tokens.create({
        ...record(second, 'alice', 'laptop', expiresAt),
        createdAt: new Date(Date.now() + 1),
      });
      const listed = await store().tokens.listForUser('alice');
      expect(listed.map((t) => t.name)).to.deep.equal(['ci', 'laptop']);
      expect(listed[1]?.expiresAt?.getTime()).to.equal(expiresAt.getTime());
      expect(await store().tokens.revoke('root', second.id)).to.equal(false);
      expect(await store().tokens.revoke('alice', second.id)).to.equal(true);
      expect(await store().tokens.revoke('alice', second.id)).to.equal(false);
      expect(await store().tokens.findById(second.id)).to.equal(null);
    });

    it("revokes all of a user's tokens at once", async () => {
      for (const name of ['one', 'two']) {
        await store().tokens.create(record(generateToken(hasher), 'bulk', name));
      }
      expect(await store().tokens.revokeAll('bulk')).to.equal(2);
      expect(await store().tokens.listForUser('bulk')).to.deep.equal([]);
    });
  });

  describe('failed credential attempts', () => {
    const t0 = new Date(Date.UTC(2030, 5, 1, 12, 0, 0));
    const at = (ms: number): Date => new Date(t0.getTime() + ms);
    const counts = async (keys: string[], now: Date) =>
      Object.fromEntries(
        (await store().failures.read(keys, now)).map((c) => [c.key, c.expiries.map((e) => e.getTime() - t0.getTime())]),
      );

    it('counts failures per key, each until a window after it happened', async () => {
      await store().failures.record(['address:192.0.2.1', 'username:alice'], t0, 60_000);
      await store().failures.record(['address:192.0.2.1'], at(1_000), 60_000);
      expect(await counts(['address:192.0.2.1', 'username:alice', 'username:bob'], at(2_000))).to.deep.equal({
        'address:192.0.2.1': [60_000, 61_000],
        'username:alice': [60_000],
      });
      expect(await counts(['address:192.0.2.1', 'username:alice'], at(60_000))).to.deep.equal({
        'address:192.0.2.1': [61_000],
      });
      expect(await counts(['address:192.0.2.1'], at(61_000))).to.deep.equal({});
      expect(await store().failures.read([], at(2_000))).to.deep.equal([]);
    });

    it('loses no failure when many are recorded at once (by several replicas)', async () => {
      await Promise.all(
        Array.from({ length: 30 }, () => store().failures.record(['address:192.0.2.3'], at(100), 60_000)),
      );
      expect((await counts(['address:192.0.2.3'], at(200)))['address:192.0.2.3']).to.have.length(30);
    });
  });

  describe('browser sessions', () => {
    const session = (id: string, username: string, data: Record<string, unknown> = { username }) => ({
      id,
      username,
      expiresAt: new Date(Date.now() + 60_000),
      data,
    });

    it('keeps a session whole, replaces it on put, and forgets it on delete', async () => {
      await store().sessions.put(session('s-1', 'sam', { username: 'sam', groups: ['a'], lastSeenAt: 'x' }));
      expect((await store().sessions.get('s-1'))?.data).to.deep.equal({
        username: 'sam',
        groups: ['a'],
        lastSeenAt: 'x',
      });
      await store().sessions.put(session('s-1', 'sam', { username: 'sam', lastSeenAt: 'y' }));
      expect((await store().sessions.get('s-1'))?.data).to.deep.equal({ username: 'sam', lastSeenAt: 'y' });
      expect(await store().sessions.delete('s-1')).to.be.true;
      expect(await store().sessions.delete('s-1')).to.be.false;
      expect(await store().sessions.get('s-1')).to.be.null;
    });

    it('updates a live session, and never brings an ended one back', async () => {
      await store().sessions.put(session('s-5', 'vic', { username: 'vic', lastSeenAt: 'a' }));
      expect(await store().sessions.update(session('s-5', 'vic', { username: 'vic', lastSeenAt: 'b' }))).to.be.true;
      expect((await store().sessions.get('s-5'))?.data).to.deep.equal({ username: 'vic', lastSeenAt: 'b' });
      await store().sessions.delete('s-5');
      expect(await store().sessions.update(session('s-5', 'vic', { username: 'vic', lastSeenAt: 'c' }))).to.be.false;
      expect(await store().sessions.get('s-5')).to.be.null;
    });

    it("lists and deletes every session of one user, and no one else's", async () => {
      await store().sessions.put(session('s-2', 'tess'));
      await store().sessions.put(session('s-3', 'tess'));
      await store().sessions.put(session('s-4', 'uma'));
      expect((await store().sessions.listForUser('tess')).map((s) => s.id).sort()).to.deep.equal(['s-2', 's-3']);
      expect(await store().sessions.deleteAllForUser('tess')).to.equal(2);
      expect(await store().sessions.listForUser('tess')).to.deep.equal([]);
      expect(await store().sessions.get('s-4')).not.to.be.null;
    });
  });

  describe('grants', () => {
    const grant = (resourceId: string, principalType: PrincipalType, principal: string, permission: PermissionLevel) =>
      store().grants.put({
        resourceType: 'experiment',
        resourceId,
        principalType,
        principal,
        permission,
        createdBy: 't',
      });

    it('writes and removes a grant only if it still has the level expected', async () => {
      const key = ['experiment', 'cas', 'user', 'cas-user'] as const;
      const level = async (): Promise<string | undefined> =>
        (await store().grants.listForResource('experiment', 'cas')).find((g) => g.principal === 'cas-user')?.permission;
      const put = (permission: PermissionLevel, expected: PermissionLevel | null) =>
        store().grants.put(
          {
            resourceType: 'experiment',
            resourceId: 'cas',
            principalType: 'user',
            principal: 'cas-user',
            permission,
            createdBy: 't',
          },
          expected,
        );
      expect(await put('READ', 'EDIT'), 'none stored, EDIT expected').to.equal(false);
      expect(await level()).to.equal(undefined);
      expect(await put('READ', null), 'none stored, none expected').to.equal(true);
      expect(await put('EDIT', null), 'one stored, none expected').to.equal(false);
      expect(await level()).to.equal('READ');
      expect(await put('EDIT', 'MANAGE')).to.equal(false);
      expect(await put('EDIT', 'READ')).to.equal(true);
      expect(await level()).to.equal('EDIT');
      expect(await store().grants.remove(...key, 'READ')).to.equal(false);
      expect(await level()).to.equal('EDIT');
      expect(await store().grants.remove(...key, 'EDIT')).to.equal(true);
      expect(await level()).to.equal(undefined);
    });

    it("gathers the user's and the groups' grants per resource", async () => {
      await grant('1', 'user', 'alice', 'READ');
      await grant('1', 'group', 'team-a', 'EDIT');
      await grant('2', 'group', 'team-b', 'MANAGE');
      await grant('2', 'group', 'team-z', 'MANAGE');
      await grant('3', 'user', 'bob', 'MANAGE');
      const grants = await store().grants.forPrincipal('experiment', ['1', '2', '3', '4'], 'alice', [
        'team-a',
        'team-b',
      ]);
      expect(grants.get('1')).to.deep.equal({ user: 'READ', groups: { 'team-a': 'EDIT' } });
      expect(grants.get('2')).to.deep.equal({ user: null, groups: { 'team-b': 'MANAGE' } });
      expect(grants.get('3')).to.deep.equal({ user: null, groups: {} });
      expect(grants.get('4')).to.deep.equal({ user: null, groups: {} });
    });

    it('reads the same grants whether a look-up names a few keys or many (point look-ups and one $in on FerretDB)', async () => {
      for (const id of ['31', '32', '33', '34', '35', '36', '37', '38', '39', '40']) {
        await grant(id, 'user', 'lookup-user', 'READ');
        await grant(id, 'group', 'lookup-team', 'EDIT');
      }
      const ids = ['31', '32', '33', '34', '35', '36', '37', '38', '39', '40', '41'];
      const groups = ['lookup-team', 'lookup-other'];
      // 1 resource x 3 keys, then 11 x 3 = 33 keys: past the point look-up bound (POINT_LOOKUP_MAX = 16).
      const few = await store().grants.forPrincipal('experiment', ['33'], 'lookup-user', groups);
      const many = await store().grants.forPrincipal('experiment', ids, 'lookup-user', groups);
      expect(few.get('33')).to.deep.equal({ user: 'READ', groups: { 'lookup-team': 'EDIT' } });
      for (const id of ids.slice(0, 10)) {
        expect(many.get(id), id).to.deep.equal({ user: 'READ', groups: { 'lookup-team': 'EDIT' } });
      }
      expect(many.get('41')).to.deep.equal({ user: null, groups: {} });
    });

    it('replaces a grant instead of adding a second one', async () => {
      await grant('1', 'user', 'alice', 'MANAGE');
      const listed = await store().grants.listForResource('experiment', '1');
      expect(listed.map((g) => `${g.principalType}:${g.principal}:${g.permission}`)).to.deep.equal([
        'group:team-a:EDIT',
        'user:alice:MANAGE',
      ]);
    });

    it('reads a grant of an unknown level as NO_PERMISSIONS', async () => {
      await grant('88', 'group', 'typo', 'no_permissions' as never);
      const grants = await store().grants.forPrincipal('experiment', ['88'], 'x', ['typo']);
      expect(grants.get('88')).to.deep.equal({ user: null, groups: { typo: 'NO_PERMISSIONS' } });
    });

    it('keeps names with separators apart', async () => {
      await grant('9', 'group', 'a/b', 'READ');
      const grants = await store().grants.forPrincipal('experiment', ['9'], 'x', ['a', 'a%2Fb', 'a/b']);
      expect(grants.get('9')).to.deep.equal({ user: null, groups: { 'a/b': 'READ' } });
    });

    it('removes every grant of a resource, and every grant of a principal', async () => {
      await grant('70', 'user', 'dora', 'READ');
      await grant('70', 'group', 'g70', 'READ');
      await grant('71', 'user', 'dora', 'READ');
      await grant('71', 'user', 'erin', 'READ');
      expect(await store().grants.removeAllForResource('experiment', '70')).to.equal(2);
      expect(await store().grants.listForResource('experiment', '70')).to.deep.equal([]);
      expect(await store().grants.removeAllForPrincipal('user', 'dora')).to.equal(1);
      expect((await store().grants.listForResource('experiment', '71')).map((g) => g.principal)).to.deep.equal([
        'erin',
      ]);
    });

    // The model registry and prompts (h/registry).
    it('moves the grants of a renamed resource to its new id, replacing what the new id had', async () => {
      const put = (
        id: string,
        principalType: 'user' | 'group',
        principal: string,
        permission: 'READ' | 'EDIT' | 'MANAGE',
      ) =>
        store().grants.put({
          resourceType: 'registered_model',
          resourceId: id,
          principalType,
          principal,
          permission,
          createdBy: 'test',
        });
      await put('churn', 'user', 'alice', 'MANAGE');
      await put('churn', 'group', 'ml', 'EDIT');
      await put('churn-v2', 'user', 'stale', 'READ');
      await put('other', 'user', 'alice', 'READ');
      await store().grants.put({
        resourceType: 'prompt',
        resourceId: 'churn',
        principalType: 'user',
        principal: 'bob',
        permission: 'READ',
        createdBy: 'test',
      });
      expect(await store().grants.moveResource('registered_model', 'churn', 'churn-v2')).to.equal(2);
      const moved = await store().grants.listForResource('registered_model', 'churn-v2');
      expect(moved.map((g) => `${g.principalType}:${g.principal}:${g.permission}:${g.createdBy}`)).to.deep.equal([
        'group:ml:EDIT:test',
        'user:alice:MANAGE:test',
      ]);
      expect(await store().grants.listForResource('registered_model', 'churn')).to.deep.equal([]);
      expect(
        (await store().grants.forPrincipal('registered_model', ['churn-v2'], 'alice', ['ml'])).get('churn-v2'),
      ).to.deep.equal({
        user: 'MANAGE',
        groups: { ml: 'EDIT' },
      });
      // Other resources and the other type keep theirs.
      expect((await store().grants.listForResource('registered_model', 'other')).length).to.equal(1);
      expect((await store().grants.listForResource('prompt', 'churn')).length).to.equal(1);
      // Repeating it (a retry after a failure part way) changes nothing.
      expect(await store().grants.moveResource('registered_model', 'churn', 'churn-v2')).to.equal(0);
      expect((await store().grants.listForResource('registered_model', 'churn-v2')).length).to.equal(2);
      expect(await store().grants.moveResource('registered_model', 'other', 'other')).to.equal(1);
      expect((await store().grants.listForResource('registered_model', 'other')).length).to.equal(1);
    });

    it('removes grants', async () => {
      expect(await store().grants.remove('experiment', '1', 'user', 'alice')).to.equal(true);
      expect(await store().grants.remove('experiment', '1', 'user', 'alice')).to.equal(false);
      expect((await store().grants.forPrincipal('experiment', ['1'], 'alice', [])).get('1')).to.deep.equal({
        user: null,
        groups: {},
      });
    });

    it('serves grants from the cache within its TTL and forgets a resource on local change', async () => {
      const source = createCachedGrantSource(store().grants, { ttlMs: 60_000, maxEntries: 100 });
      expect((await source.forPrincipal('experiment', ['5'], 'carol', [])).get('5')?.user).to.equal(null);
      await grant('5', 'user', 'carol', 'EDIT');
      expect((await source.forPrincipal('experiment', ['5'], 'carol', [])).get('5')?.user).to.equal(null);
      source.forgetResource('experiment', '5');
      expect((await source.forPrincipal('experiment', ['5'], 'carol', [])).get('5')?.user).to.equal('EDIT');
    });
  });

  describe('regex rules', () => {
    it('adds rules with generated ids and lists them by principal, then priority', async () => {
      const b = await store().regexRules.add(rule('group', 'rx-team', 'team-a/.*', 10));
      const a = await store().regexRules.add(rule('group', 'rx-team', 'team-a/secret', 1));
      const u = await store().regexRules.add({ ...rule('user', 'rx-alice', '.*', 5), permission: 'NO_PERMISSIONS' });
      expect(a.id).to.match(/^rx-[0-9a-f]{12}$/);
      expect(new Set([a.id, b.id, u.id]).size).to.equal(3);
      expect(a.createdAt).to.be.instanceOf(Date);
      const mine = (await store().regexRules.list()).filter((r) => r.principal.startsWith('rx-'));
      expect(mine.map((r) => [r.principalType, r.principal, r.pattern, r.priority, r.permission])).to.deep.equal([
        ['group', 'rx-team', 'team-a/secret', 1, 'READ'],
        ['group', 'rx-team', 'team-a/.*', 10, 'READ'],
        ['user', 'rx-alice', '.*', 5, 'NO_PERMISSIONS'],
      ]);
      // For the policy: the same rules in the same order, with the fields the policy data is built from.
      const fields = ['id', 'resourceType', 'principalType', 'principal', 'pattern', 'priority', 'permission'];
      const pick = (r: object): unknown[] => fields.map((f) => (r as Record<string, unknown>)[f]);
      const forPolicy = await store().regexRules.listForPolicy();
      expect(forPolicy.map(pick)).to.deep.equal((await store().regexRules.list()).map(pick));
      for (const r of forPolicy) expect(Object.keys(r)).to.include.members(fields);
    });

    it('refuses a second rule of a principal with the same pattern (MLGATE_CONFLICT)', async () => {
      try {
        await store().regexRules.add(rule('group', 'rx-team', 'team-a/.*', 3));
        expect.fail('expected a conflict');
      } catch (error) {
        expect((error as MlgateError).code).to.equal('MLGATE_CONFLICT');
      }
      // Another principal may use the same pattern.
      await store().regexRules.add(rule('group', 'rx-other', 'team-a/.*', 3));
    });

    it("updates a rule's priority, permission and author in place, keeping its id", async () => {
      const added = await store().regexRules.add(rule('user', 'rx-upd', 'upd/.*', 4));
      const updated = await store().regexRules.update(added.id, { priority: 2, permission: 'EDIT', createdBy: 'x' });
      expect(updated).to.deep.include({
        id: added.id,
        pattern: 'upd/.*',
        priority: 2,
        permission: 'EDIT',
        createdBy: 'x',
      });
      expect((await store().regexRules.list()).find((r) => r.id === added.id)).to.deep.include({ priority: 2 });
      expect(await store().regexRules.update('rx-000000000000', { priority: 1 })).to.equal(null);
      await store().regexRules.remove(added.id);
    });

    it('removes one rule by id, and every rule of a principal', async () => {
      const added = await store().regexRules.add(rule('user', 'rx-bob', 'x', 1));
      expect(await store().regexRules.remove(added.id)).to.equal(true);
      expect(await store().regexRules.remove(added.id)).to.equal(false);
      expect(await store().regexRules.removeAllForPrincipal('group', 'rx-team')).to.equal(2);
      expect((await store().regexRules.list()).some((r) => r.principal === 'rx-team')).to.equal(false);
    });
  });

  describe('grant listing', () => {
    it('lists every grant with its author', async () => {
      const put = (resourceId: string, principal: string) =>
        store().grants.put({
          resourceType: 'experiment',
          resourceId,
          principalType: 'group',
          principal,
          permission: 'READ',
          createdBy: `by-${principal}`,
        });
      await put('8801', 'gl-b');
      await put('8801', 'gl-a');
      const mine = (await store().grants.list()).filter((g) => g.principal.startsWith('gl-'));
      expect(mine.map((g) => [g.resourceId, g.principal, g.createdBy])).to.have.deep.members([
        ['8801', 'gl-a', 'by-gl-a'],
        ['8801', 'gl-b', 'by-gl-b'],
      ]);
      await store().grants.removeAllForResource('experiment', '8801');
    });

    it("lists one principal's grants, by resource, and no one else's", async () => {
      const put = (resourceType: 'experiment' | 'prompt', resourceId: string, principalType: PrincipalType) =>
        store().grants.put({
          resourceType,
          resourceId,
          principalType,
          principal: 'gp-one',
          permission: 'EDIT',
          createdBy: 't',
        });
      await put('prompt', 'p', 'group');
      await put('experiment', '8812', 'group');
      await put('experiment', '8811', 'group');
      await put('experiment', '8811', 'user');
      const listed = await store().grants.listForPrincipal('group', 'gp-one');
      expect(listed.map((g) => [g.resourceType, g.resourceId, g.principalType])).to.deep.equal([
        ['experiment', '8811', 'group'],
        ['experiment', '8812', 'group'],
        ['prompt', 'p', 'group'],
      ]);
      expect(await store().grants.listForPrincipal('group', 'gp-nobody')).to.deep.equal([]);
      await store().grants.removeAllForPrincipal('group', 'gp-one');
      await store().grants.removeAllForPrincipal('user', 'gp-one');
    });
  });

  describe('groups', () => {
    it('defines groups before any member exists, lists them by name, and refuses a second definition', async () => {
      const created = await store().groups.create({
        name: 'gr-team-b',
        description: 'Team B',
        creatorPermission: 'EDIT',
        createdBy: 'test',
      });
      expect(created).to.deep.include({ name: 'gr-team-b', description: 'Team B', creatorPermission: 'EDIT' });
      expect(created.createdAt).to.be.instanceOf(Date);
      await store().groups.create({ name: 'gr-team-a', description: '', creatorPermission: null, createdBy: 'test' });
      const mine = (await store().groups.list()).filter((g) => g.name.startsWith('gr-'));
      expect(mine.map((g) => [g.name, g.creatorPermission])).to.deep.equal([
        ['gr-team-a', null],
        ['gr-team-b', 'EDIT'],
      ]);
      try {
        await store().groups.create({ name: 'gr-team-a', description: 'x', creatorPermission: null, createdBy: 't' });
        expect.fail('expected a conflict');
      } catch (error) {
        expect((error as MlgateError).code).to.equal('MLGATE_CONFLICT');
      }
      expect(await store().groups.get('gr-team-a')).to.deep.include({ description: '' });
    });

    it('updates and deletes a group; unknown groups give null / false', async () => {
      await store().groups.create({ name: 'gr-temp', description: 'a', creatorPermission: 'READ', createdBy: 't' });
      expect(await store().groups.update('gr-temp', { creatorPermission: null })).to.deep.include({
        description: 'a',
        creatorPermission: null,
      });
      expect(await store().groups.update('gr-temp', { description: 'b' })).to.deep.include({ description: 'b' });
      expect(await store().groups.update('gr-ghost', { description: 'b' })).to.equal(null);
      expect(await store().groups.delete('gr-temp')).to.equal(true);
      expect(await store().groups.delete('gr-temp')).to.equal(false);
      expect(await store().groups.get('gr-temp')).to.equal(null);
    });

    it("removes a group from every user's stored groups, leaving provider groups alone", async () => {
      await store().users.create({ username: 'gr-u1', isAdmin: false, groups: ['gr-gone', 'gr-kept'] });
      await store().users.create({ username: 'gr-u2', isAdmin: false, groups: ['gr-kept'] });
      await store().users.recordProviderLogin('gr-u2', ['gr-gone']);
      expect(await store().users.removeGroupEverywhere('gr-gone')).to.equal(1);
      expect((await store().users.get('gr-u1'))?.groups).to.deep.equal(['gr-kept']);
      expect(await store().users.get('gr-u2')).to.deep.include({ groups: ['gr-kept'], providerGroups: ['gr-gone'] });
    });
  });
}
