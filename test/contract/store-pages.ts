/**
 * The store contract for pages of listings (keyset pagination, src/store/pages.ts): run against MongoDB (FerretDB,
 * integration) and the in-memory store (unit), on a store other suites write to as well, so every check names its
 * own resources and principals.
 */
import { expect } from 'chai';

import type { PermissionLevel } from '../../src/config/schema.js';
import { grantKey } from '../../src/store/pages.js';
import type {
  GrantFilter,
  GrantId,
  GrantRecord,
  Page,
  PrincipalType,
  RegexRuleRecord,
  ResourceType,
  RuleFilter,
  RuleOrderKey,
  Store,
} from '../../src/store/types.js';

/** Every page of a listing, from the first, `limit` at a time (at most 10,000 pages, against a loop). */
async function allPages<T, K>(read: (after: K | null) => Promise<Page<T, K>>): Promise<T[][]> {
  const pages: T[][] = [];
  let after: K | null = null;
  for (let i = 0; i < 10_000; i += 1) {
    const page: Page<T, K> = await read(after);
    pages.push(page.items);
    if (page.next === null) {
      return pages;
    }
    after = page.next;
  }
  return expect.fail('more than 10,000 pages');
}

const label = (g: GrantId): string => `${g.resourceType}:${g.resourceId}:${g.principalType}:${g.principal}`;
const byKey = (a: GrantId, b: GrantId): number => {
  const x = grantKey(a.resourceType, a.resourceId, a.principalType, a.principal);
  const y = grantKey(b.resourceType, b.resourceId, b.principalType, b.principal);
  return x < y ? -1 : x > y ? 1 : 0;
};

export function storePagesContract(store: () => Store): void {
  describe('grant pages', () => {
    const put = (
      resourceId: string,
      principalType: PrincipalType,
      principal: string,
      resourceType: ResourceType = 'experiment',
      permission: PermissionLevel = 'READ',
    ): Promise<boolean> =>
      store().grants.put({ resourceType, resourceId, principalType, principal, permission, createdBy: 'pages' });
    const grantPages = (filter: GrantFilter, limit: number): Promise<GrantRecord[][]> =>
      allPages<GrantRecord, GrantId>((after) => store().grants.page(filter, { after, limit }));
    const onResource = (id: string): GrantFilter => ({ resource: { type: 'experiment', id } });

    before(async () => {
      // Six grants on experiment 9100: two full pages of 3.
      for (const name of ['pg-a', 'pg-b', 'pg-c', 'pg-d', 'pg-e']) await put('9100', 'user', name);
      await put('9100', 'group', 'pg-team');
      await put('9101', 'user', 'pg-a');
      await put('9102', 'user', 'pg-a', 'experiment', 'EDIT');
    });

    it('pages every grant in key order, each exactly once, whatever the page size', async () => {
      const whole = await store().grants.page({}, { after: null, limit: 1_000_000 });
      expect(whole.next).to.equal(null);
      expect(whole.items.map(label)).to.deep.equal([...whole.items].sort(byKey).map(label));
      for (const limit of [1, 2, 3, 7]) {
        const pages = await grantPages({}, limit);
        for (const page of pages.slice(0, -1)) expect(page).to.have.length(limit);
        expect(pages.flat().map(label), `limit ${limit}`).to.deep.equal(whole.items.map(label));
      }
    });

    it("pages one resource's grants and no other's: an exact multiple of the page size ends without a next page", async () => {
      const pages = await grantPages(onResource('9100'), 3);
      expect(pages.map((p) => p.map((g) => `${g.principalType}:${g.principal}`))).to.deep.equal([
        ['group:pg-team', 'user:pg-a', 'user:pg-b'],
        ['user:pg-c', 'user:pg-d', 'user:pg-e'],
      ]);
      const exact = await store().grants.page(onResource('9100'), { after: null, limit: 6 });
      expect([exact.items.length, exact.next]).to.deep.equal([6, null]);
      const short = await store().grants.page(onResource('9100'), { after: null, limit: 5 });
      expect(short.items).to.have.length(5);
      expect(short.next).to.deep.equal({
        resourceType: 'experiment',
        resourceId: '9100',
        principalType: 'user',
        principal: 'pg-d',
      });
      const rest = await store().grants.page(onResource('9100'), { after: short.next, limit: 5 });
      expect([rest.items.map((g) => g.principal), rest.next]).to.deep.equal([['pg-e'], null]);
    });

    it('answers an empty page, without a next one, when nothing matches or nothing follows', async () => {
      expect(await store().grants.page(onResource('9199'), { after: null, limit: 10 })).to.deep.equal({
        items: [],
        next: null,
      });
      const last = {
        resourceType: 'experiment',
        resourceId: '9100',
        principalType: 'user',
        principal: 'pg-e',
      } as const;
      expect(await store().grants.page(onResource('9100'), { after: last, limit: 10 })).to.deep.equal({
        items: [],
        next: null,
      });
    });

    it("pages one principal's grants, across resources, with their records whole", async () => {
      const pages = await grantPages({ principal: { type: 'user', name: 'pg-a' } }, 2);
      expect(pages.map((p) => p.map((g) => g.resourceId))).to.deep.equal([['9100', '9101'], ['9102']]);
      expect(pages[1]?.[0]).to.deep.include({ permission: 'EDIT', createdBy: 'pages', principalType: 'user' });
      expect(pages[1]?.[0]?.createdAt).to.be.instanceOf(Date);
    });

    it('gives one grant, or none, for a resource and a principal together', async () => {
      const filter = { ...onResource('9101'), principal: { type: 'user', name: 'pg-a' } } as const;
      const one = await store().grants.page(filter, { after: null, limit: 1 });
      expect([one.items.map(label), one.next]).to.deep.equal([['experiment:9101:user:pg-a'], null]);
      expect(await store().grants.page(filter, { after: one.items[0] as GrantId, limit: 1 })).to.deep.equal({
        items: [],
        next: null,
      });
      const none = { ...onResource('9101'), principal: { type: 'group', name: 'pg-a' } } as const;
      expect((await store().grants.page(none, { after: null, limit: 5 })).items).to.deep.equal([]);
    });

    it('neither repeats nor skips a grant that exists on both sides of a page boundary when others change', async () => {
      for (const name of ['pg-m2', 'pg-m4', 'pg-m6', 'pg-m8']) await put('9110', 'user', name);
      const filter = onResource('9110');
      const first = await store().grants.page(filter, { after: null, limit: 2 });
      expect(first.items.map((g) => g.principal)).to.deep.equal(['pg-m2', 'pg-m4']);
      // Between the pages: one added before the boundary, one after it, and the boundary's own grant removed.
      await put('9110', 'user', 'pg-m1');
      await put('9110', 'user', 'pg-m5');
      await store().grants.remove('experiment', '9110', 'user', 'pg-m4');
      const rest = await allPages<GrantRecord, GrantId>((after) =>
        store().grants.page(filter, { after: after ?? first.next, limit: 2 }),
      );
      expect(rest.flat().map((g) => g.principal)).to.deep.equal(['pg-m5', 'pg-m6', 'pg-m8']);
    });

    it('orders names with separators and escapes by their keys, the same in every store', async () => {
      const names = ['pg a', 'pg', 'pg/x', 'pg-x', 'pg%2Fx', 'pg+x', 'pg*x', 'pgé', 'pg~'];
      for (const name of names) await put(name, 'group', 'pg-names', 'registered_model');
      const filter: GrantFilter = { principal: { type: 'group', name: 'pg-names' } };
      const listed = (await grantPages(filter, 4)).flat().map((g) => g.resourceId);
      const expected = [...names].sort((a, b) => {
        const x = grantKey('registered_model', a, 'group', 'pg-names');
        const y = grantKey('registered_model', b, 'group', 'pg-names');
        return x < y ? -1 : x > y ? 1 : 0;
      });
      expect(listed).to.deep.equal(expected);
    });

    it('refuses a page of fewer than one grant (a caller bug)', async () => {
      for (const limit of [0, -1, 1.5]) {
        try {
          await store().grants.page({}, { after: null, limit });
          expect.fail(`limit ${limit} accepted`);
        } catch (error) {
          expect((error as Error).message).to.match(/page limit must be a positive integer/);
        }
      }
    });
  });

  describe('regex rule pages', () => {
    const add = (principal: string, pattern: string, priority: number, resourceType: ResourceType = 'experiment') =>
      store().regexRules.add({
        resourceType,
        principalType: 'group',
        principal,
        pattern,
        priority,
        permission: 'READ',
        createdBy: 'pages',
      });
    const rulePages = (filter: RuleFilter, limit: number): Promise<RegexRuleRecord[][]> =>
      allPages<RegexRuleRecord, RuleOrderKey>((after) => store().regexRules.page(filter, { after, limit }));

    before(async () => {
      await add('pg-rules', 'c/.*', 30);
      await add('pg-rules', 'a/.*', 10);
      await add('pg-rules', 'b1/.*', 20);
      await add('pg-rules', 'b2/.*', 20);
      await add('pg-rules', 'p/.*', 5, 'prompt');
      await add('pg-other', 'a/.*', 1);
    });

    it('pages every rule in the order of list(), each exactly once', async () => {
      const all = (await store().regexRules.list()).map((r) => r.id);
      for (const limit of [1, 2, 5]) {
        expect(
          (await rulePages({}, limit)).flat().map((r) => r.id),
          `limit ${limit}`,
        ).to.deep.equal(all);
      }
    });

    it("pages one principal's rules by type, then priority (ties by id), and filters by type", async () => {
      const mine = { principal: { type: 'group', name: 'pg-rules' } } as const;
      const pages = await rulePages(mine, 2);
      expect(pages.map((p) => p.length)).to.deep.equal([2, 2, 1]);
      const listed = pages.flat().map((r) => [r.resourceType, r.priority]);
      expect(listed).to.deep.equal([
        ['experiment', 10],
        ['experiment', 20],
        ['experiment', 20],
        ['experiment', 30],
        ['prompt', 5],
      ]);
      const prompts = await rulePages({ ...mine, resourceType: 'prompt' }, 2);
      expect(prompts.flat().map((r) => r.pattern)).to.deep.equal(['p/.*']);
      expect(
        await store().regexRules.page({ principal: { type: 'user', name: 'pg-rules' } }, { after: null, limit: 3 }),
      ).to.deep.equal({ items: [], next: null });
    });

    it('neither repeats nor skips a rule when rules of the same priority are added between pages', async () => {
      const mine = { principal: { type: 'group', name: 'pg-ties' } } as const;
      const first = [await add('pg-ties', 't1', 7), await add('pg-ties', 't2', 7), await add('pg-ties', 't3', 7)];
      const page = await store().regexRules.page(mine, { after: null, limit: 2 });
      const added = [await add('pg-ties', 't4', 7), await add('pg-ties', 't5', 0)];
      const rest = await allPages<RegexRuleRecord, RuleOrderKey>((after) =>
        store().regexRules.page(mine, { after: after ?? page.next, limit: 2 }),
      );
      const seen = [...page.items, ...rest.flat()].map((r) => r.id);
      expect(new Set(seen).size).to.equal(seen.length);
      expect(seen).to.include.members(first.map((r) => r.id));
      // The one of priority 0 sorts before the boundary: not on a later page.
      expect(seen).to.not.include(added[1]?.id);
      // The new one of priority 7 is listed when its id sorts after the boundary's (new rules may land either side).
      const boundary = page.next?.id ?? '';
      const later = added[0] as RegexRuleRecord;
      const sevens = [...first, ...(later.id > boundary ? [later] : [])].map((r) => r.id).sort();
      expect(seen).to.deep.equal(sevens);
    });
  });

  describe('group pages', () => {
    before(async () => {
      for (const name of ['pg-g/b', 'pg-g a', 'pg-g-c', 'pg-g']) {
        await store().groups.create({ name, description: '', creatorPermission: null, createdBy: 'pages' });
      }
    });

    it('pages the defined groups by name, each exactly once', async () => {
      const all = (await store().groups.list()).map((g) => g.name);
      for (const limit of [1, 3, all.length]) {
        const pages = await allPages((after: string | null) => store().groups.page({ after, limit }));
        expect(
          pages.flat().map((g) => g.name),
          `limit ${limit}`,
        ).to.deep.equal(all);
        expect(pages.at(-1)?.length).to.be.greaterThan(0);
      }
      const mine = all.filter((n) => n.startsWith('pg-g'));
      expect(mine).to.deep.equal(['pg-g', 'pg-g a', 'pg-g-c', 'pg-g/b']);
    });

    it('starts after a group that was deleted meanwhile, and ends empty after the last', async () => {
      const page = await store().groups.page({ after: 'pg-g a', limit: 1 });
      expect(page.items.map((g) => g.name)).to.deep.equal(['pg-g-c']);
      await store().groups.delete('pg-g-c');
      const next = await store().groups.page({ after: 'pg-g-c', limit: 1 });
      expect(next.items.map((g) => g.name)).to.deep.equal(['pg-g/b']);
      const last = (await store().groups.list()).at(-1)?.name ?? '';
      expect(await store().groups.page({ after: last, limit: 5 })).to.deep.equal({ items: [], next: null });
    });
  });
}
