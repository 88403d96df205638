/**
 * The store contract of the permission version (src/store/types.ts PermissionVersionRepository): the version, the
 * data version and the versions of the parts each write changed (src/store/data-parts.ts), run against MongoDB
 * (FerretDB, integration) and the in-memory store (unit).
 */
import { expect } from 'chai';

import type { PermissionLevel } from '../../src/config/schema.js';
import { changedParts, partKey } from '../../src/store/data-parts.js';
import type { PrincipalType, Store } from '../../src/store/types.js';
import { rule } from './store.js';

/** Defines the contract's suites inside the caller's describe(); `store()` gives the store under test. */
export function storeVersionContract(store: () => Store): void {
  describe('permission version', () => {
    it('changes with every write, and its data part with rule and group writes only; not on reads', async () => {
      const seen = [await store().permissionVersion.read()];
      /** Checks that a new version was given, and whether its data part changed as well. */
      const changed = async (what: string, data: boolean): Promise<void> => {
        const now = await store().permissionVersion.read();
        expect(
          seen.map((v) => v.any),
          what,
        ).to.not.include(now.any);
        if (data) {
          expect(
            seen.map((v) => v.data),
            `${what}: data`,
          ).to.not.include(now.data);
        } else {
          expect(now.data, `${what}: data unchanged`).to.equal(seen.at(-1)?.data);
        }
        seen.push(now);
      };
      const unchanged = async (what: string): Promise<void> => {
        expect(await store().permissionVersion.read(), what).to.deep.equal(seen.at(-1));
      };
      const grant = {
        resourceType: 'experiment' as const,
        resourceId: '77',
        principalType: 'user' as const,
        principal: 'pv',
        permission: 'READ' as PermissionLevel,
        createdBy: 't',
      };
      await store().grants.put(grant);
      await changed('grant put', false);
      await store().grants.forPrincipal('experiment', ['77'], 'pv', []);
      await unchanged('grant read');
      await store().grants.remove('experiment', '77', 'user', 'pv');
      await changed('grant removed', false);
      const added = await store().regexRules.add({
        resourceType: 'experiment',
        principalType: 'user',
        principal: 'pv',
        pattern: 'pv/.*',
        priority: 1,
        permission: 'EDIT',
        createdBy: 't',
      });
      await changed('rule added', true);
      await store().regexRules.list();
      await unchanged('rules listed');
      await store().regexRules.remove(added.id);
      await changed('rule removed', true);
      await store().groups.create({ name: 'pv-group', description: '', creatorPermission: null, createdBy: 't' });
      await changed('group created', true);
      await store().groups.update('pv-group', { creatorPermission: 'READ' });
      await changed('group updated', true);
      await store().groups.list();
      await unchanged('groups listed');
      await store().groups.delete('pv-group');
      await changed('group deleted', true);
      await store().users.create({ username: 'pv-user', isAdmin: false, groups: ['pv-g'] });
      await store().users.update('pv-user', { groups: ['pv-h'] });
      await changed("user's groups changed", false);
      await store().users.removeGroupEverywhere('pv-h');
      await changed('group removed from users', false);
      await store().users.delete('pv-user');
      await changed('user deleted', false);
      await store().permissionVersion.bump();
      await changed('bumped', true);
      await store().permissionVersion.bump('cache');
      await changed('bumped (cache)', false);
    });

    it('records the part each rule and group write changed, with the data version, and `full` for a bare bump', async () => {
      const v = store().permissionVersion;
      const rulesKey = (principalType: PrincipalType, principal: string) =>
        partKey({ kind: 'rules', principalType, principal });
      const groupKey = (name: string) => partKey({ kind: 'group', name });
      let before = await v.readParts();
      /** The keys whose version changed since the last call; checks the data version and `full` went with them. */
      const changedSince = async (fullChanged = false): Promise<string[]> => {
        const after = await v.readParts();
        expect(after.data, 'the data version read with the parts').to.equal((await v.read()).data);
        expect(after.full !== before.full, 'full changed').to.equal(fullChanged);
        const keys = changedParts(before.parts, after.parts).sort();
        for (const key of keys) expect(after.parts.get(key), key).to.equal(after.data);
        before = after;
        return keys;
      };
      const added = await store().regexRules.add({
        resourceType: 'registered_model',
        principalType: 'group',
        principal: 'parts.team',
        pattern: 'm/.*',
        priority: 1,
        permission: 'READ',
        createdBy: 't',
      });
      expect(await changedSince()).to.deep.equal([rulesKey('group', 'parts.team')]);
      await store().regexRules.update(added.id, { priority: 2 });
      expect(await changedSince()).to.deep.equal([rulesKey('group', 'parts.team')]);
      await store().regexRules.remove(added.id);
      expect(await changedSince()).to.deep.equal([rulesKey('group', 'parts.team')]);
      await store().regexRules.remove(added.id); // nothing removed: nothing changed
      expect(await changedSince()).to.deep.equal([]);
      await store().regexRules.add({ ...rule('user', '$odd.name', 'x/.*', 1) });
      await store().regexRules.removeAllForPrincipal('user', '$odd.name');
      expect(await changedSince()).to.deep.equal([rulesKey('user', '$odd.name')]);
      await store().groups.create({ name: 'parts.group', description: '', creatorPermission: null, createdBy: 't' });
      expect(await changedSince()).to.deep.equal([groupKey('parts.group')]);
      await store().groups.update('parts.group', { creatorPermission: 'EDIT' });
      await store().groups.delete('parts.group');
      expect(await changedSince()).to.deep.equal([groupKey('parts.group')]);
      await store().grants.put({
        resourceType: 'experiment',
        resourceId: 'parts',
        principalType: 'user',
        principal: 'p',
        permission: 'READ',
        createdBy: 't',
      });
      expect(await changedSince(), 'a grant is no part of the data').to.deep.equal([]);
      await v.bump();
      expect(await changedSince(true), 'a data bump naming no parts').to.deep.equal([]);
    });

    it("forgets parts' versions only while the data version is the one given", async () => {
      const v = store().permissionVersion;
      await store().groups.create({ name: 'fp-a', description: '', creatorPermission: null, createdBy: 't' });
      await store().groups.create({ name: 'fp-b', description: '', creatorPermission: null, createdBy: 't' });
      const read = await v.readParts();
      const a = partKey({ kind: 'group', name: 'fp-a' });
      const b = partKey({ kind: 'group', name: 'fp-b' });
      expect(await v.forgetParts([a], 'not-the-data-version')).to.equal(false);
      expect(await v.forgetParts([], read.data)).to.equal(false);
      expect(await v.forgetParts([a], read.data)).to.equal(true);
      const after = await v.readParts();
      expect(after.parts.has(a)).to.equal(false);
      expect(after.parts.get(b)).to.equal(read.parts.get(b));
      expect(after.data, 'forgetting is no change of the data').to.equal(read.data);
    });

    it("reads the rules of some principals, in listForPolicy's order, and the defined groups among some names", async () => {
      await store().regexRules.add({ ...rule('group', 'lp-b', 'b2/.*', 2) });
      await store().regexRules.add({ ...rule('group', 'lp-b', 'b1/.*', 1) });
      await store().regexRules.add({ ...rule('user', 'lp-b', 'u/.*', 1) });
      await store().regexRules.add({ ...rule('group', 'lp-a', 'a/.*', 1) });
      await store().regexRules.add({ ...rule('group', 'lp-c', 'c/.*', 1) });
      const read = await store().regexRules.listForPrincipals([
        { principalType: 'group', principal: 'lp-b' },
        { principalType: 'group', principal: 'lp-a' },
        { principalType: 'group', principal: 'lp-nobody' },
      ]);
      const all = (await store().regexRules.listForPolicy()).filter((r) => ['lp-a', 'lp-b'].includes(r.principal));
      expect(read).to.deep.equal(all.filter((r) => r.principalType === 'group'));
      expect(read.map((r) => r.pattern)).to.deep.equal(['a/.*', 'b1/.*', 'b2/.*']);
      expect(await store().regexRules.listForPrincipals([])).to.deep.equal([]);
      for (const name of ['gm-b', 'gm-a']) {
        await store().groups.create({ name, description: '', creatorPermission: null, createdBy: 't' });
      }
      const groups = await store().groups.getMany(['gm-b', 'gm-missing', 'gm-a', 'gm-b']);
      expect(groups.map((g) => g.name)).to.deep.equal(['gm-a', 'gm-b']);
      expect(await store().groups.getMany([])).to.deep.equal([]);
      // Many at once (one query rather than a look-up each).
      const many = Array.from({ length: 20 }, (_, i) => `gm-many-${String(i).padStart(2, '0')}`);
      for (const name of many.slice(0, 18)) {
        await store().groups.create({ name, description: '', creatorPermission: 'READ', createdBy: 't' });
      }
      const found = await store().groups.getMany([...many].reverse());
      expect(found.map((g) => g.name)).to.deep.equal(many.slice(0, 18));
      expect(found[0]).to.deep.include({ name: 'gm-many-00', creatorPermission: 'READ' });
    });

    it('gives a new value to each of many concurrent writes', async () => {
      const before = await store().permissionVersion.read();
      await Promise.all(Array.from({ length: 10 }, () => store().permissionVersion.bump()));
      expect((await store().permissionVersion.read()).any).to.not.equal(before.any);
    });
  });
}
