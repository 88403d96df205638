/**
 * Pages of the permissions API's listings (/_mlgate/api/grants, rules, groups) in the real app with the real policy
 * over the in-memory store: max_results and page_token in, next_page_token out, the filters kept on every page, and
 * tokens that cannot take a caller past what the filters and their rights allow.
 */
import { expect } from 'chai';

import type { PermissionLevel } from '../../../src/config/schema.js';
import type { PrincipalType } from '../../../src/store/types.js';
import { type ApiAnswer, apiCall, outcome } from '../../helpers/api-call.js';
import { type Pipeline, startPipeline } from '../../helpers/pipeline.js';

describe('permissions API: pages', () => {
  let pipeline: Pipeline;
  const auth: Record<string, string> = {};
  const call = (user: string, path: string): Promise<ApiAnswer> =>
    apiCall(pipeline.url, 'GET', path, auth[user] ?? null);
  const grant = (resourceId: string, principalType: PrincipalType, principal: string, permission: PermissionLevel) =>
    pipeline.store.grants.put({
      resourceType: 'experiment',
      resourceId,
      principalType,
      principal,
      permission,
      createdBy: 't',
    });
  /** Every page of a listing, following next_page_token; `path` has a query string. */
  const allPages = async (user: string, path: string, field: string): Promise<string[][]> => {
    const pages: string[][] = [];
    let token: string | undefined;
    for (let i = 0; i < 100; i += 1) {
      const answer = await call(user, token === undefined ? path : `${path}&page_token=${token}`);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      const items = answer.body[field] as Record<string, unknown>[];
      pages.push(items.map((item) => String(item['principal'] ?? item['name'] ?? item['id'])));
      token = answer.body['next_page_token'] as string | undefined;
      if (token === undefined) return pages;
      expect(token).to.be.a('string').and.not.equal('');
    }
    return expect.fail('more than 100 pages');
  };

  before(async () => {
    pipeline = await startPipeline({});
    for (const name of ['root', 'alice', 'bob']) auth[name] = await pipeline.user(name);
    await pipeline.store.users.update('root', { isAdmin: true });
    // alice manages experiments 1 and 2; bob manages 3.
    for (const name of ['u1', 'u2', 'u3', 'u4']) await grant('1', 'user', name, 'READ');
    await grant('1', 'user', 'alice', 'MANAGE');
    await grant('2', 'user', 'alice', 'MANAGE');
    await grant('2', 'user', 'u1', 'EDIT');
    await grant('3', 'user', 'bob', 'MANAGE');
  });

  after(() => pipeline.close());

  it("pages a resource's grants for its MANAGE holder, the last page without a token", async () => {
    const pages = await allPages('alice', '/grants?resource_type=experiment&resource_id=1&max_results=2', 'grants');
    expect(pages).to.deep.equal([['alice', 'u1'], ['u2', 'u3'], ['u4']]);
    // An exact multiple of the page size: no empty last page.
    const exact = await allPages('alice', '/grants?resource_type=experiment&resource_id=1&max_results=5', 'grants');
    expect(exact).to.deep.equal([['alice', 'u1', 'u2', 'u3', 'u4']]);
    const none = await call('alice', '/grants?resource_type=experiment&resource_id=1&user=nobody&max_results=1');
    expect(none.body).to.deep.equal({ grants: [] });
  });

  it("keeps a MANAGE holder's token on the resource it was issued for", async () => {
    const first = await call('alice', '/grants?resource_type=experiment&resource_id=1&max_results=1');
    const token = first.body['next_page_token'] as string;
    // On another resource alice manages: refused (not a page of experiment 2 starting somewhere in experiment 1).
    const moved = await call('alice', `/grants?resource_type=experiment&resource_id=2&page_token=${token}`);
    expect(outcome(moved)).to.deep.equal([400, 'MLGATE_REQUEST_INVALID']);
    expect(moved.body['message']).to.match(/page_token was not issued by this gateway for this listing/);
    // On a resource she does not manage: refused for that first, whatever the token.
    const other = await call('alice', `/grants?resource_type=experiment&resource_id=3&page_token=${token}`);
    expect(outcome(other)).to.deep.equal([403, 'MLGATE_PERMISSION_DENIED']);
    // Without the resource: a listing across resources, for administrators only.
    expect(outcome(await call('alice', `/grants?page_token=${token}`))).to.deep.equal([403, 'MLGATE_ADMIN_REQUIRED']);
    // Narrowed to one user, or used by someone else who may list the same resource: refused.
    const narrowed = await call('alice', `/grants?resource_type=experiment&resource_id=1&user=u4&page_token=${token}`);
    expect(outcome(narrowed)).to.deep.equal([400, 'MLGATE_REQUEST_INVALID']);
    const byRoot = await call('root', `/grants?resource_type=experiment&resource_id=1&page_token=${token}`);
    expect(outcome(byRoot)).to.deep.equal([400, 'MLGATE_REQUEST_INVALID']);
    // The same filters, another page size: the next page.
    const next = await call(
      'alice',
      `/grants?resource_type=experiment&resource_id=1&max_results=3&page_token=${token}`,
    );
    expect((next.body['grants'] as { principal: string }[]).map((g) => g.principal)).to.deep.equal(['u1', 'u2', 'u3']);
  });

  it("refuses an administrator's token of every grant to a MANAGE holder, and an altered token to anyone", async () => {
    const all = await call('root', '/grants?max_results=1');
    const token = all.body['next_page_token'] as string;
    const asAlice = await call('alice', `/grants?resource_type=experiment&resource_id=1&page_token=${token}`);
    expect(outcome(asAlice)).to.deep.equal([400, 'MLGATE_REQUEST_INVALID']);
    const altered = token.slice(0, 20) + (token[20] === 'A' ? 'B' : 'A') + token.slice(21);
    expect(outcome(await call('root', `/grants?max_results=1&page_token=${altered}`))).to.deep.equal([
      400,
      'MLGATE_REQUEST_INVALID',
    ]);
    expect(outcome(await call('root', '/grants?page_token=mlg2.AAAA'))).to.deep.equal([400, 'MLGATE_REQUEST_INVALID']);
    // A token of the rules listing does not continue the grants listing.
    await pipeline.store.regexRules.add({
      resourceType: 'experiment',
      principalType: 'user',
      principal: 'u1',
      pattern: 'a',
      priority: 1,
      permission: 'READ',
      createdBy: 't',
    });
    await pipeline.store.regexRules.add({
      resourceType: 'experiment',
      principalType: 'user',
      principal: 'u1',
      pattern: 'b',
      priority: 2,
      permission: 'READ',
      createdBy: 't',
    });
    const rules = await call('root', '/rules?max_results=1');
    const ruleToken = rules.body['next_page_token'] as string;
    expect(outcome(await call('root', `/grants?page_token=${ruleToken}`))).to.deep.equal([
      400,
      'MLGATE_REQUEST_INVALID',
    ]);
    expect(await allPages('root', '/rules?user=u1&max_results=1', 'rules')).to.have.length(2);
  });

  it('refuses a max_results out of 1 to 10000, or given twice, with 400', async () => {
    for (const value of ['0', '10001', 'x', '2.5', '-3']) {
      const answer = await call('root', `/grants?max_results=${value}`);
      expect(outcome(answer), value).to.deep.equal([400, 'MLGATE_REQUEST_INVALID']);
    }
    expect(outcome(await call('root', '/groups?max_results=1&max_results=2'))).to.deep.equal([
      400,
      'MLGATE_REQUEST_INVALID',
    ]);
    expect((await call('root', '/grants?max_results=10000')).status).to.equal(200);
    // Still decided before the query: who may not list learns nothing.
    expect(outcome(await call('bob', '/grants?resource_type=experiment&resource_id=1&max_results=0'))).to.deep.equal([
      403,
      'MLGATE_PERMISSION_DENIED',
    ]);
  });

  it('answers 1000 items by default, then the rest; a group defined between pages after the boundary is listed', async () => {
    for (let i = 0; i < 1001; i += 1) {
      await pipeline.store.groups.create({
        name: `pages-${String(i).padStart(4, '0')}`,
        description: '',
        creatorPermission: null,
        createdBy: 't',
      });
    }
    const first = await call('root', '/groups');
    const names = (first.body['groups'] as { name: string }[]).map((g) => g.name);
    expect([names.length, names[0], names[999]]).to.deep.equal([1000, 'pages-0000', 'pages-0999']);
    await pipeline.store.groups.create({
      name: 'pages-0500x',
      description: '',
      creatorPermission: null,
      createdBy: 't',
    });
    await pipeline.store.groups.create({
      name: 'pages-1000x',
      description: '',
      creatorPermission: null,
      createdBy: 't',
    });
    const token = first.body['next_page_token'] as string;
    const second = await call('root', `/groups?page_token=${token}`);
    expect((second.body['groups'] as { name: string }[]).map((g) => g.name)).to.deep.equal([
      'pages-1000',
      'pages-1000x',
    ]);
    expect(second.body).to.not.have.property('next_page_token');
  });
});
