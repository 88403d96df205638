/** Page tokens and page sizes of the gateway's own listings (src/http/api/list-pages.ts), without a server. */
import { expect } from 'chai';

import { MlgateError } from '../../../src/errors.js';
import {
  GRANT_KEY,
  GROUP_KEY,
  LIST_MAX_RESULTS_DEFAULT,
  LIST_MAX_RESULTS_LIMIT,
  type ListBinding,
  RULE_KEY,
  createListTokens,
  deriveListTokenKey,
  parseMaxResults,
  readPage,
} from '../../../src/http/api/list-pages.js';
import { createPageTokens, derivePageTokenKey } from '../../../src/mlflow/page-token.js';
import type { GrantId, Page, PageRequest } from '../../../src/store/types.js';

const SECRET = 'a session secret key of at least 32 characters';
const NOW = new Date('2026-11-28T12:00:00Z');
const BINDING: ListBinding = { username: 'alice', listing: 'grants', filters: ['experiment', '7', null, null] };
const AFTER: GrantId = { resourceType: 'experiment', resourceId: '7', principalType: 'user', principal: 'bob' };

function refused(action: () => unknown): MlgateError {
  try {
    action();
  } catch (error) {
    expect(error).to.be.instanceOf(MlgateError);
    expect([(error as MlgateError).code, (error as MlgateError).status]).to.deep.equal(['MLGATE_REQUEST_INVALID', 400]);
    return error as MlgateError;
  }
  return expect.fail('expected a refusal');
}

describe('listing page tokens', () => {
  const tokens = createListTokens({ key: deriveListTokenKey(SECRET) });

  it('round-trips the key of each listing, and starts at the first page without a token', () => {
    expect(tokens.resume(tokens.issue(AFTER, BINDING, NOW), BINDING, NOW, GRANT_KEY)).to.deep.equal(AFTER);
    const rule = { resourceType: 'prompt', principalType: 'group', principal: 'g', priority: 3, id: 'rx-1' } as const;
    const rules: ListBinding = { username: 'root', listing: 'rules', filters: [null, null, null] };
    expect(tokens.resume(tokens.issue(rule, rules, NOW), rules, NOW, RULE_KEY)).to.deep.equal(rule);
    const groups: ListBinding = { username: 'root', listing: 'groups', filters: [] };
    expect(tokens.resume(tokens.issue('team/a', groups, NOW), groups, NOW, GROUP_KEY)).to.equal('team/a');
    expect(tokens.resume(undefined, BINDING, NOW, GRANT_KEY)).to.equal(null);
    expect(tokens.resume('', BINDING, NOW, GRANT_KEY)).to.equal(null);
  });

  it('does not show the key it holds', () => {
    const token = tokens.issue(AFTER, BINDING, NOW);
    expect(token).to.match(/^mlgl1\.[A-Za-z0-9_-]+$/);
    expect(Buffer.from(token.slice(6), 'base64url').toString('latin1')).to.not.include('bob');
  });

  it('refuses a token with any character changed, cut short or lengthened', () => {
    const token = tokens.issue(AFTER, BINDING, NOW);
    for (let i = 6; i < token.length; i += 7) {
      const changed = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
      refused(() => tokens.resume(changed, BINDING, NOW, GRANT_KEY));
    }
    refused(() => tokens.resume(token.slice(0, -4), BINDING, NOW, GRANT_KEY));
    refused(() => tokens.resume(`${token}AAAA`, BINDING, NOW, GRANT_KEY));
    refused(() => tokens.resume('not a token', BINDING, NOW, GRANT_KEY));
  });

  it("refuses another caller's token, another listing's, and one of other filters", () => {
    const token = tokens.issue(AFTER, BINDING, NOW);
    refused(() => tokens.resume(token, { ...BINDING, username: 'mallory' }, NOW, GRANT_KEY));
    refused(() => tokens.resume(token, { ...BINDING, listing: 'rules' }, NOW, GRANT_KEY));
    // A MANAGE holder's token of experiment 7 does not continue a listing of experiment 8.
    refused(() => tokens.resume(token, { ...BINDING, filters: ['experiment', '8', null, null] }, NOW, GRANT_KEY));
    refused(() => tokens.resume(token, { ...BINDING, filters: ['experiment', '7', 'user', 'bob'] }, NOW, GRANT_KEY));
    // A key of the wrong shape for the listing (a bug only: the binding names the listing).
    refused(() => tokens.resume(token, BINDING, NOW, RULE_KEY));
  });

  it('refuses tokens sealed with another key: another secret, and filtered searches', () => {
    const other = createListTokens({ key: deriveListTokenKey(`${SECRET}!`) });
    refused(() => tokens.resume(other.issue(AFTER, BINDING, NOW), BINDING, NOW, GRANT_KEY));
    expect(deriveListTokenKey(SECRET)).to.deep.equal(deriveListTokenKey(SECRET));
    expect(deriveListTokenKey(SECRET)).to.not.deep.equal(derivePageTokenKey(SECRET));
    const search = createPageTokens({ key: derivePageTokenKey(SECRET) }).issue(
      { upstream: null, skip: 0 },
      { username: 'alice', filter: null, orderBy: [], viewType: null, maxResults: 10 },
      NOW,
    );
    refused(() => tokens.resume(search, BINDING, NOW, GRANT_KEY));
  });

  it('expires a token after an hour by default, or the configured time', () => {
    const token = tokens.issue(AFTER, BINDING, NOW);
    expect(tokens.resume(token, BINDING, new Date(NOW.getTime() + 3_599_999), GRANT_KEY)).to.deep.equal(AFTER);
    const late = refused(() => tokens.resume(token, BINDING, new Date(NOW.getTime() + 3_600_000), GRANT_KEY));
    expect(late.message).to.match(/expired/);
    const short = createListTokens({ key: deriveListTokenKey(SECRET), ttlMs: 10 });
    refused(() => short.resume(short.issue(AFTER, BINDING, NOW), BINDING, new Date(NOW.getTime() + 10), GRANT_KEY));
  });
});

describe('listing page sizes', () => {
  it(`takes ${LIST_MAX_RESULTS_DEFAULT} by default and whole numbers from 1 to ${LIST_MAX_RESULTS_LIMIT}`, () => {
    expect(parseMaxResults(undefined)).to.equal(1000);
    expect(parseMaxResults('1')).to.equal(1);
    expect(parseMaxResults('10000')).to.equal(10_000);
    expect(parseMaxResults('007')).to.equal(7);
  });

  it('refuses anything else with 400 MLGATE_REQUEST_INVALID, saying what it takes', () => {
    for (const raw of ['0', '10001', '-1', '1.5', '1e3', ' 5', '', 'ten', '0x10', '9999999']) {
      const error = refused(() => parseMaxResults(raw));
      expect(error.message, raw).to.match(/^max_results must be a whole number from 1 to 10000/);
    }
  });

  it("asks the store for max_results items after the token's key, and gives a token only when more follow", async () => {
    const tokens = createListTokens({ key: deriveListTokenKey(SECRET) });
    const asked: PageRequest<string>[] = [];
    const groups: ListBinding = { username: 'root', listing: 'groups', filters: [] };
    const read = (request: PageRequest<string>): Promise<Page<string, string>> => {
      asked.push(request);
      const all = ['a', 'b', 'c', 'd'].filter((g) => request.after === null || g > request.after);
      const items = all.slice(0, request.limit);
      return Promise.resolve({ items, next: all.length > request.limit ? (items.at(-1) ?? null) : null });
    };
    const first = await readPage(tokens, { max_results: '2' }, groups, NOW, GROUP_KEY, read);
    expect(first.items).to.deep.equal(['a', 'b']);
    const second = await readPage(
      tokens,
      { max_results: '2', page_token: first.nextPageToken ?? '' },
      groups,
      NOW,
      GROUP_KEY,
      read,
    );
    expect([second.items, second.nextPageToken]).to.deep.equal([['c', 'd'], null]);
    expect(asked).to.deep.equal([
      { after: null, limit: 2 },
      { after: 'b', limit: 2 },
    ]);
  });
});
