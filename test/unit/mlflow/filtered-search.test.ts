import { expect } from 'chai';

import { MlgateError } from '../../../src/errors.js';
import type { UpstreamAnswer } from '../../../src/mlflow/client.js';
import { type FilteredSearchDeps, filteredSearch } from '../../../src/mlflow/filtered-search.js';
import { decodePageToken, encodePageToken } from '../../../src/mlflow/page-token.js';

/** An upstream that pages through `total` rows with offset tokens, as MLflow's SQL store does. */
function pagedUpstream(total: number, calls: Record<string, unknown>[] = []): FilteredSearchDeps['fetchPage'] {
  return (request) => {
    calls.push(request);
    const size = request['max_results'] as number;
    const offset = typeof request['page_token'] === 'string' ? Number(request['page_token']) : 0;
    const rows = Array.from({ length: Math.max(0, Math.min(size, total - offset)) }, (_, i) => ({
      experiment_id: String(offset + i),
    }));
    const next = offset + size < total ? String(offset + size) : '';
    const body = { ...(rows.length ? { experiments: rows } : {}), ...(next ? { next_page_token: next } : {}) };
    return Promise.resolve({
      status: 200,
      body,
      raw: Buffer.from(JSON.stringify(body)),
      contentType: 'application/json',
    });
  };
}

function deps(
  total: number,
  readable: (id: number) => boolean,
  maxPages = 1000,
  calls?: Record<string, unknown>[],
): FilteredSearchDeps {
  return {
    fetchPage: pagedUpstream(total, calls),
    rowsField: 'experiments',
    idOf: (row) => row['experiment_id'] as string,
    visible: (ids) => Promise.resolve(new Set(ids.filter((id) => readable(Number(id))))),
    maxPages,
    invalid: () => new Error('invalid'),
  };
}

/** Follows next_page_token to the end and returns every row id. */
async function readAll(d: FilteredSearchDeps, maxResults: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const result = await filteredSearch(d, { passThrough: { filter: 'f' }, maxResults, pageToken: token });
    if (result.kind !== 'page') throw new Error('unexpected upstream error');
    expect(result.rows.length).to.be.at.most(maxResults);
    ids.push(...result.rows.map((row) => (row as { experiment_id: string }).experiment_id));
    token = result.nextPageToken;
    pages += 1;
  } while (token !== undefined && pages < 1000);
  return { ids, pages };
}

describe('filtered search with pagination', () => {
  const patterns: [string, (id: number) => boolean][] = [
    ['every row readable', () => true],
    ['no row readable', () => false],
    ['every third row', (id) => id % 3 === 0],
    ['a cluster at the end', (id) => id >= 40],
    ['one row', (id) => id === 17],
  ];
  for (const [name, readable] of patterns) {
    for (const pageSize of [1, 2, 5, 7, 50]) {
      it(`returns exactly the readable rows, in order and once (${name}, page size ${pageSize})`, async () => {
        const total = 47;
        const expected = Array.from({ length: total }, (_, i) => i)
          .filter(readable)
          .map(String);
        const { ids } = await readAll(deps(total, readable), pageSize);
        expect(ids).to.deep.equal(expected);
      });
    }
  }

  it('fills full pages when enough readable rows follow', async () => {
    const result = await filteredSearch(
      deps(30, (id) => id % 2 === 0),
      { passThrough: {}, maxResults: 4, pageToken: undefined },
    );
    expect(result.kind).to.equal('page');
    if (result.kind === 'page') {
      expect(result.rows).to.have.length(4);
      expect(result.nextPageToken).to.be.a('string');
    }
  });

  it("passes the caller's filter and ordering to MLflow and pages with MLflow's tokens", async () => {
    const calls: Record<string, unknown>[] = [];
    await readAll(
      deps(10, () => true, 1000, calls),
      4,
    );
    expect(calls[0]).to.deep.equal({ filter: 'f', max_results: 4 });
    expect(calls[1]).to.deep.equal({ filter: 'f', max_results: 4, page_token: '4' });
  });

  it('stops after the page budget and returns a token that continues the search', async () => {
    const calls: Record<string, unknown>[] = [];
    const d = deps(100, (id) => id >= 90, 3, calls);
    const first = await filteredSearch(d, { passThrough: {}, maxResults: 5, pageToken: undefined });
    expect(calls).to.have.length(3);
    expect(first.kind === 'page' && first.rows.length).to.equal(0);
    const { ids } = await readAll(d, 5);
    expect(ids).to.deep.equal(Array.from({ length: 10 }, (_, i) => String(90 + i)));
  });

  it("relays MLflow's own error answer", async () => {
    const answer: UpstreamAnswer = {
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE' },
      raw: Buffer.from('{}'),
      contentType: 'application/json',
    };
    const d: FilteredSearchDeps = { ...deps(1, () => true), fetchPage: () => Promise.resolve(answer) };
    const result = await filteredSearch(d, { passThrough: {}, maxResults: 5, pageToken: undefined });
    expect(result).to.deep.equal({ kind: 'upstream-error', answer });
  });

  it('refuses an MLflow answer it cannot read', async () => {
    const bad: UpstreamAnswer = {
      status: 200,
      body: { experiments: [{ name: 'no id' }] },
      raw: Buffer.alloc(0),
      contentType: undefined,
    };
    const d: FilteredSearchDeps = { ...deps(1, () => true), fetchPage: () => Promise.resolve(bad) };
    try {
      await filteredSearch(d, { passThrough: {}, maxResults: 5, pageToken: undefined });
      expect.fail('expected an error');
    } catch (error) {
      expect((error as Error).message).to.equal('invalid');
    }
  });
});

describe('page tokens', () => {
  it('round-trips a position', () => {
    expect(decodePageToken(encodePageToken({ upstream: 'abc', skip: 3 }))).to.deep.equal({ upstream: 'abc', skip: 3 });
    expect(decodePageToken(encodePageToken({ upstream: null, skip: 0 }))).to.deep.equal({ upstream: null, skip: 0 });
  });

  it('starts at the beginning without a token and passes foreign tokens to MLflow', () => {
    expect(decodePageToken(undefined)).to.deep.equal({ upstream: null, skip: 0 });
    expect(decodePageToken('')).to.deep.equal({ upstream: null, skip: 0 });
    expect(decodePageToken('eyJvZmZzZXQiOiAxfQ==')).to.deep.equal({ upstream: 'eyJvZmZzZXQiOiAxfQ==', skip: 0 });
  });

  it('refuses a malformed gateway token with 400', () => {
    for (const token of [
      'mlg1.!!!',
      'mlg1.' + Buffer.from('[1,2,3]').toString('base64url'),
      'mlg1.' + Buffer.from('["a",-1]').toString('base64url'),
    ]) {
      expect(() => decodePageToken(token))
        .to.throw(MlgateError)
        .with.property('code', 'MLGATE_REQUEST_INVALID');
    }
  });
});
