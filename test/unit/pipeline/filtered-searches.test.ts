/**
 * The trace and dataset searches a non-administrator gets filtered instead of refused, through the whole pipeline
 * (fake MLflow): SearchTraces (v2, experiments in the query string) and SearchDatasets send MLflow only the
 * readable experiments; SearchEvaluationDatasets returns only the datasets whose every linked experiment is
 * readable, page by page, with page tokens bound to the caller and the search.
 */
import http from 'node:http';

import { expect } from 'chai';

import { type Pipeline, startPipeline } from '../../helpers/pipeline.js';

// Experiment 1 is readable by the searcher, 2 is not. Datasets in MLflow's order: d-ab is linked to both.
const DATASETS = {
  'd-a1': ['1'],
  'd-ab': ['1', '2'],
  'd-b': ['2'],
  'd-none': [],
  'd-a2': ['1'],
  'd-a3': ['1'],
};

describe('filtered trace and dataset searches', function () {
  this.timeout(20_000);
  let pipeline: Pipeline;
  let searcher: string;
  let searches: Record<string, unknown>[];

  before(async () => {
    searches = [];
    pipeline = await startPipeline({ datasets: DATASETS, datasetSearches: searches });
    searcher = await pipeline.user('searcher');
    await pipeline.grant('1', 'searcher', 'READ');
  });
  after(() => pipeline.close());

  const get = (url: string, authorization: string) => fetch(pipeline.url + url, { headers: { authorization } });
  const post = (url: string, authorization: string, body: unknown) =>
    fetch(pipeline.url + url, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  describe('SearchTraces (v2): the unreadable experiment_ids pairs are cut out of the query string', () => {
    const TRACES = '/api/2.0/mlflow/traces';

    it('forwards only the readable pairs, every other byte kept', async () => {
      const response = await get(
        `${TRACES}?experiment_ids=2&experiment_ids=1&filter=a%20b&experiment%5Fids=2&max_results=5`,
        searcher,
      );
      expect(response.status).to.equal(200);
      expect(pipeline.forwarded.at(-1)).to.equal(`GET ${TRACES}?experiment_ids=1&filter=a%20b&max_results=5`);
    });

    it('forwards the request as sent when every named experiment is readable', async () => {
      expect((await get(`${TRACES}?experiment_ids=1&experiment_ids=1`, searcher)).status).to.equal(200);
      expect(pipeline.forwarded.at(-1)).to.equal(`GET ${TRACES}?experiment_ids=1&experiment_ids=1`);
    });

    it('answers an empty result itself when nothing readable is named, and MLflow sees nothing', async () => {
      const before = pipeline.forwarded.length;
      for (const query of ['experiment_ids=2', 'experiment_ids=%32&experiment_ids=2']) {
        const response = await get(`${TRACES}?${query}`, searcher);
        expect(response.status, query).to.equal(200);
        expect(await response.json(), query).to.deep.equal({});
      }
      expect(pipeline.forwarded.length).to.equal(before);
    });

    it('refuses names MLflow ignores as naming no experiment (experiment_ids[]), and undecodable escapes', async () => {
      const before = pipeline.forwarded.length;
      expect((await get(`${TRACES}?experiment_ids[]=2`, searcher)).status).to.equal(403);
      expect((await get(`${TRACES}?experiment_ids=1&experiment_ids=%FF`, searcher)).status).to.equal(400);
      // werkzeug does not split on ";": this names one experiment "1;experiment_ids=2", which is no id.
      expect((await get(`${TRACES}?experiment_ids=1;experiment_ids=2`, searcher)).status).to.equal(400);
      expect(pipeline.forwarded.length).to.equal(before);
    });

    it('narrows a GET without a query string by its JSON body, which MLflow reads then', async () => {
      const body = JSON.stringify({ experiment_ids: ['2', '1'] });
      const status = await new Promise<number>((resolve, reject) => {
        const request = http.request(pipeline.url + TRACES, {
          method: 'GET',
          headers: {
            authorization: searcher,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        });
        request.on('response', (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.on('error', reject);
        request.end(body);
      });
      expect(status).to.equal(200);
      expect(pipeline.forwarded.at(-1)).to.equal(`GET ${TRACES}`);
      expect(JSON.parse(pipeline.forwardedBodies.at(-1) ?? '{}')).to.deep.equal({ experiment_ids: ['1'] });
    });
  });

  it('SearchDatasets (the web UI dataset summaries) sends MLflow only the readable experiments', async () => {
    const url = '/ajax-api/2.0/mlflow/experiments/search-datasets';
    expect((await post(url, searcher, { experiment_ids: ['1', '2'] })).status).to.equal(200);
    expect(JSON.parse(pipeline.forwardedBodies.at(-1) ?? '{}')).to.deep.equal({ experiment_ids: ['1'] });
    const before = pipeline.forwarded.length;
    const none = await post(url, searcher, { experiment_ids: ['2'] });
    expect(await none.json()).to.deep.equal({});
    expect(pipeline.forwarded.length).to.equal(before);
  });

  describe('SearchEvaluationDatasets: only datasets whose every linked experiment is readable', () => {
    const SEARCH = '/api/3.0/mlflow/datasets/search';
    const ids = (body: unknown): string[] =>
      ((body as { datasets?: { dataset_id: string }[] }).datasets ?? []).map((row) => row.dataset_id);

    it('over readable and unreadable experiments: MLflow searches the readable ones, rows are filtered', async () => {
      const response = await post(SEARCH, searcher, { experiment_ids: ['1', '2'] });
      expect(response.status).to.equal(200);
      const body = (await response.json()) as Record<string, unknown>;
      expect(ids(body)).to.deep.equal(['d-a1', 'd-a2', 'd-a3']);
      expect(Object.keys(body), 'rows only: no count, no token').to.deep.equal(['datasets']);
      expect(searches.at(-1)?.['experiment_ids']).to.deep.equal(['1']);
    });

    it('over all experiments (none named), as get_dataset(name=…) searches: filtered the same way', async () => {
      const response = await post(SEARCH, searcher, { filter_string: 'name = "d-ab"', max_results: 2 });
      expect(response.status).to.equal(200);
      expect(ids(await response.json())).to.not.include('d-ab');
      expect(searches.at(-1)).to.not.have.property('experiment_ids');
      expect(searches.at(-1)?.['filter_string']).to.equal('name = "d-ab"');
      const all = await get(`${SEARCH}?max_results=50`, searcher);
      expect(ids(await all.json())).to.deep.equal(['d-a1', 'd-a2', 'd-a3']);
    });

    it('pages with max_results=1 never show a hidden row, and the last page has no token', async () => {
      const seen: string[] = [];
      let token: string | undefined;
      for (let page = 0; page < 5; page++) {
        const response = await post(SEARCH, searcher, {
          max_results: 1,
          ...(token === undefined ? {} : { page_token: token }),
        });
        expect(response.status).to.equal(200);
        const body = (await response.json()) as { next_page_token?: string };
        expect(ids(body)).to.have.length(1);
        seen.push(...ids(body));
        token = body.next_page_token;
        if (token === undefined) break;
        expect(token).to.match(/^mlg2\./);
      }
      expect(seen).to.deep.equal(['d-a1', 'd-a2', 'd-a3']);
    });

    it('a page token cannot be replayed by another user, into another search or another experiment list', async () => {
      const first = (await (await post(SEARCH, searcher, { max_results: 1 })).json()) as { next_page_token: string };
      const token = first.next_page_token;
      const other = await pipeline.user('other-searcher');
      await pipeline.grant('1', 'other-searcher', 'READ');
      const refusals = [
        await post(SEARCH, other, { max_results: 1, page_token: token }),
        await post(SEARCH, searcher, { max_results: 2, page_token: token }),
        await post(SEARCH, searcher, { max_results: 1, filter_string: 'name = "x"', page_token: token }),
        await post(SEARCH, searcher, { max_results: 1, experiment_ids: ['1'], page_token: token }),
        await post('/api/2.0/mlflow/experiments/search', searcher, { max_results: 1, page_token: token }),
      ];
      for (const [i, response] of refusals.entries()) {
        expect(response.status, `replay ${i}`).to.equal(400);
        expect(((await response.json()) as { error_code: string }).error_code).to.equal('INVALID_PARAMETER_VALUE');
      }
      expect((await post(SEARCH, searcher, { max_results: 1, page_token: token })).status).to.equal(200);
    });

    it('a client page token of MLflow (an offset) is refused, never passed on', async () => {
      const offset = Buffer.from(JSON.stringify({ offset: 1 })).toString('base64');
      expect((await post(SEARCH, searcher, { page_token: offset })).status).to.equal(400);
    });

    it('answers an empty result itself when only unreadable experiments are named', async () => {
      const before = searches.length;
      const response = await post(SEARCH, searcher, { experiment_ids: ['2'] });
      expect(await response.json()).to.deep.equal({});
      expect(searches.length).to.equal(before);
    });

    it('a caller without any grant sees no dataset', async () => {
      const nobody = await pipeline.user('no-grants');
      expect(await (await post(SEARCH, nobody, {})).json()).to.deep.equal({});
    });

    it('checks max_results as MLflow does (0 is the default)', async () => {
      expect((await post(SEARCH, searcher, { max_results: 0 })).status).to.equal(200);
      expect(searches.at(-1)?.['max_results']).to.equal(1001);
      expect((await post(SEARCH, searcher, { max_results: -1 })).status).to.equal(400);
      expect((await post(SEARCH, searcher, { max_results: 50_001 })).status).to.equal(400);
    });

    it('an administrator’s search is proxied to MLflow as sent', async () => {
      const admin = await pipeline.user('dataset-admin');
      await pipeline.store.users.update('dataset-admin', { isAdmin: true });
      const before = pipeline.forwarded.length;
      expect((await post(SEARCH, admin, { experiment_ids: ['2'] })).status).to.equal(200);
      expect(pipeline.forwarded.slice(before)).to.deep.equal([`POST ${SEARCH}`]);
    });
  });
});
