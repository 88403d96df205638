import { expect } from 'chai';

import type { UpstreamAnswer } from '../../../src/mlflow/client.js';
import {
  type FilteredSearchDeps,
  type FilteredSearchResult,
  MIN_UPSTREAM_PAGE_SIZE,
  filteredSearch,
  upstreamPageSize,
} from '../../../src/mlflow/filtered-search.js';
import { FIRST_PAGE, type PagePosition } from '../../../src/mlflow/page-token.js';

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

function search(
  d: FilteredSearchDeps,
  maxResults: number,
  start: PagePosition = FIRST_PAGE,
  pageSize = maxResults,
): Promise<FilteredSearchResult> {
  return filteredSearch(d, { passThrough: { filter: 'f' }, maxResults, pageSize, start });
}

function page(result: FilteredSearchResult): { ids: string[]; next: PagePosition | undefined } {
  if (result.kind !== 'page') throw new Error('unexpected upstream error');
  return { ids: result.rows.map((row) => (row as { experiment_id: string }).experiment_id), next: result.next };
}

/** Follows the next positions to the end and returns every row id and the size of every page. */
async function readAll(
  d: FilteredSearchDeps,
  maxResults: number,
  pageSize = maxResults,
): Promise<{ ids: string[]; sizes: number[] }> {
  const ids: string[] = [];
  const sizes: number[] = [];
  let start: PagePosition | undefined = FIRST_PAGE;
  while (start !== undefined && sizes.length < 1000) {
    const result = page(await search(d, maxResults, start, pageSize));
    expect(result.ids.length).to.be.at.most(maxResults);
    ids.push(...result.ids);
    sizes.push(result.ids.length);
    start = result.next;
  }
  return { ids, sizes };
}

describe('filtered search with pagination', () => {
  const patterns: [string, (id: number) => boolean][] = [
    ['every row readable', () => true],
    ['no row readable', () => false],
    ['every third row', (id) => id % 3 === 0],
    ['a cluster at the end', (id) => id >= 40],
    ['a cluster at the start', (id) => id < 6],
    ['one row', (id) => id === 17],
  ];
  for (const [name, readable] of patterns) {
    for (const [maxResults, pageSize] of [
      [1, 1],
      [2, 2],
      [5, 5],
      [7, 7],
      [50, 50],
      [1, 10],
      [5, 3],
      [4, 1000],
    ] as const) {
      it(`returns exactly the readable rows, in order and once (${name}, max_results ${maxResults}, MLflow pages of ${pageSize})`, async () => {
        const total = 47;
        const expected = Array.from({ length: total }, (_, i) => i)
          .filter(readable)
          .map(String);
        const { ids, sizes } = await readAll(deps(total, readable), maxResults, pageSize);
        expect(ids).to.deep.equal(expected);
        // Every page but the last is full, and the last is not empty unless nothing is readable: a next page is
        // announced only when it holds a row.
        const full = Math.floor(expected.length / maxResults);
        const rest = expected.length % maxResults;
        expect(sizes).to.deep.equal([
          ...Array.from({ length: full }, () => maxResults),
          ...(rest > 0 || full === 0 ? [rest] : []),
        ]);
      });
    }
  }

  it('decided in chunks (a look-up per row), answers the same pages and decides no row past the look-ahead', async () => {
    for (const [name, readable] of patterns) {
      for (const [maxResults, chunkSize] of [
        [1, 1],
        [2, 3],
        [5, 50],
      ] as const) {
        const whole = await readAll(deps(47, readable), maxResults, 20);
        const decided: string[] = [];
        const chunked: FilteredSearchDeps = {
          ...deps(47, readable),
          chunkSize,
          visible: (ids) => {
            expect(ids.length, 'a chunk at most').to.be.at.most(chunkSize);
            decided.push(...ids);
            return Promise.resolve(new Set(ids.filter((id) => readable(Number(id)))));
          },
        };
        expect(await readAll(chunked, maxResults, 20), `${name}, chunks of ${chunkSize}`).to.deep.equal(whole);
      }
    }
    // One readable row at the start: max_results 1 decides the first chunk only, then stops at the look-ahead.
    const decided: string[] = [];
    const early: FilteredSearchDeps = {
      ...deps(47, (id) => id < 2),
      chunkSize: 3,
      visible: (ids) => {
        decided.push(...ids);
        return Promise.resolve(new Set(ids.filter((id) => Number(id) < 2)));
      },
    };
    expect(page(await search(early, 1, FIRST_PAGE, 20)).ids).to.deep.equal(['0']);
    expect(decided).to.deep.equal(['0', '1', '2']);
  });

  it('fills full pages when enough readable rows follow, and resumes at the next readable row', async () => {
    const result = page(
      await search(
        deps(30, (id) => id % 2 === 0),
        4,
      ),
    );
    expect(result.ids).to.deep.equal(['0', '2', '4', '6']);
    expect(result.next).to.deep.equal({ upstream: '8', skip: 0 });
  });

  it('announces no next page when only hidden rows follow the last readable one', async () => {
    for (const pageSize of [1, 2, 3, 100]) {
      const result = page(
        await search(
          deps(20, (id) => id < 3),
          3,
          FIRST_PAGE,
          pageSize,
        ),
      );
      expect(result.ids).to.deep.equal(['0', '1', '2']);
      expect(result.next, `MLflow pages of ${pageSize}`).to.equal(undefined);
    }
  });

  it('answers the same whether or not hidden rows follow, with as many MLflow requests', async () => {
    for (const [maxResults, next] of [
      [1, { upstream: null, skip: 1 }],
      [3, undefined],
    ] as const) {
      const answers = [];
      for (const total of [3, 4, 5, 50]) {
        const calls: Record<string, unknown>[] = [];
        const d = deps(total, (id) => id < 3, 1000, calls);
        answers.push({ ...page(await search(d, maxResults, FIRST_PAGE, 1000)), calls });
      }
      expect(answers[0]).to.deep.equal({
        ids: ['0', '1', '2'].slice(0, maxResults),
        next,
        calls: [{ filter: 'f', max_results: 1000 }],
      });
      for (const answer of answers) {
        expect(answer).to.deep.equal(answers[0]);
      }
    }
  });

  it("passes the caller's filter and ordering to MLflow and pages with MLflow's tokens", async () => {
    const calls: Record<string, unknown>[] = [];
    const { ids } = await readAll(
      deps(10, () => true, 1000, calls),
      4,
      6,
    );
    expect(ids).to.have.length(10);
    const first = { filter: 'f', max_results: 6 };
    const second = { filter: 'f', max_results: 6, page_token: '6' };
    expect(calls).to.deep.equal([first, first, second, second]);
  });

  it('stops after the page budget and returns a position that continues the search', async () => {
    const calls: Record<string, unknown>[] = [];
    const d = deps(100, (id) => id >= 90, 3, calls);
    const first = page(await search(d, 5));
    expect(calls).to.have.length(3);
    expect(first).to.deep.equal({ ids: [], next: { upstream: '15', skip: 0 } });
    const { ids } = await readAll(d, 5);
    expect(ids).to.deep.equal(Array.from({ length: 10 }, (_, i) => String(90 + i)));
  });

  it('returns a full page and a position when the budget runs out during the look-ahead', async () => {
    const result = page(
      await search(
        deps(100, (id) => id < 2 || id === 99, 3),
        2,
      ),
    );
    expect(result).to.deep.equal({ ids: ['0', '1'], next: { upstream: '6', skip: 0 } });
  });

  it("relays MLflow's own error answer", async () => {
    const answer: UpstreamAnswer = {
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE' },
      raw: Buffer.from('{}'),
      contentType: 'application/json',
    };
    const d: FilteredSearchDeps = { ...deps(1, () => true), fetchPage: () => Promise.resolve(answer) };
    expect(await search(d, 5)).to.deep.equal({ kind: 'upstream-error', answer });
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
      await search(d, 5);
      expect.fail('expected an error');
    } catch (error) {
      expect((error as Error).message).to.equal('invalid');
    }
  });
});

describe('MLflow page size of a filtered search', () => {
  it('reads at least MLflow-default pages, whatever max_results', () => {
    expect(upstreamPageSize(1, 50_000)).to.equal(MIN_UPSTREAM_PAGE_SIZE);
    expect(upstreamPageSize(998, 50_000)).to.equal(MIN_UPSTREAM_PAGE_SIZE);
  });

  it('reads a full page and its look-ahead row at once above that, up to the limit', () => {
    expect(upstreamPageSize(1000, 50_000)).to.equal(1001);
    expect(upstreamPageSize(49_999, 50_000)).to.equal(50_000);
    expect(upstreamPageSize(50_000, 50_000)).to.equal(50_000);
  });
});

describe('filtered search with a row budget (a look-up per row)', () => {
  /** deps() whose visible() records how many rows it was asked to decide. */
  const counted = (total: number, readable: (id: number) => boolean, budget: number) => {
    const decided: number[] = [];
    const d = deps(total, readable);
    return {
      decided,
      deps: {
        ...d,
        maxRowsChecked: budget,
        visible: (ids: readonly string[]) => {
          decided.push(ids.length);
          return d.visible(ids);
        },
      } satisfies FilteredSearchDeps,
    };
  };

  it('decides at most the budget of rows per request, however large the page, and resumes at the first undecided row', async () => {
    const { decided, deps: d } = counted(5000, () => false, 300);
    const result = page(await search(d, 1, FIRST_PAGE, 1000));
    expect(result.ids).to.deep.equal([]);
    expect(decided.reduce((a, b) => a + b, 0)).to.equal(300);
    expect(result.next).to.deep.equal({ upstream: null, skip: 300 });
  });

  it('spends the budget across MLflow pages', async () => {
    const { decided, deps: d } = counted(5000, () => false, 250);
    const result = page(await search(d, 1, FIRST_PAGE, 100));
    expect(decided).to.deep.equal([100, 100, 50]);
    expect(result.next).to.deep.equal({ upstream: '200', skip: 50 });
  });

  it('still returns exactly the readable rows, in order and once, when followed page by page', async () => {
    const readable = (id: number) => id % 7 === 0 || id > 440;
    const expected = Array.from({ length: 450 }, (_, i) => i)
      .filter(readable)
      .map(String);
    const { deps: d } = counted(450, readable, 40);
    const { ids } = await readAll(d, 3, 100);
    expect(ids).to.deep.equal(expected);
  });
});
