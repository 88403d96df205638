/**
 * Every catalogued route, through the whole pipeline in process: a request as a client sends it, the
 * experiments it resolves to, and the permission it needs on each of them. A caller holding that permission on
 * every one is forwarded; one level less on any one, or no grant, is refused before MLflow sees anything. A route
 * added to the catalogue without a row here fails the coverage check at the end.
 */
import { expect } from 'chai';

import type { PermissionLevel } from '../../../src/config/schema.js';
import { createRouteTable, decodePath, toPathToRegexp } from '../../../src/mlflow/match.js';
import { ROUTES, type RouteSpec } from '../../../src/mlflow/routes.js';
import { ARTIFACT_CASES } from '../../tables/artifact-rows.js';
import { REGISTRY_ROWS } from '../../tables/registry-rows.js';
import { TRACKING_ROWS } from '../../tables/tracking-rows.js';
// GenAI (h/genai).
import { GENAI_ROWS } from '../../tables/genai-rows.js';
// AI gateway, webhooks, MCP servers, assistant, workspaces (h/gateway).
import { GATEWAY_ROWS } from '../../tables/gateway-rows.js';
import { type Pipeline, startPipeline } from '../../helpers/pipeline.js';

interface Row {
  readonly method: string;
  /** The request path with its query string. */
  readonly url: string;
  readonly body?: unknown;
  /** The permission needed on each of `experiments`; null: any authenticated caller; admin: administrators only. */
  readonly needs: PermissionLevel | null | 'admin';
  readonly experiments: readonly string[];
  /** The gateway answers itself (a filtered search): nothing is forwarded as is. */
  readonly answeredByGateway?: boolean;
}

// Experiment 1 holds run r1 and logged model m1; experiment 2 holds run r2 and logged model m2.
const MLFLOW = {
  runs: { r1: '1', r2: '2' },
  loggedModels: { m1: '1', m2: '2' },
  experimentNames: { one: '1', two: '2' },
};

const A2 = '/api/2.0/mlflow';
const ROWS: readonly Row[] = [
  // Server.
  { method: 'GET', url: '/version', needs: null, experiments: [] },
  { method: 'GET', url: '/api/3.0/mlflow/server-info', needs: null, experiments: [] },
  // The web UI: the page, its static bundle, its telemetry and the gateway endpoint list need only a sign-in.
  { method: 'GET', url: '/', needs: null, experiments: [] },
  { method: 'GET', url: '/static-files/static/js/main.js', needs: null, experiments: [] },
  { method: 'GET', url: '/build/index.html', needs: null, experiments: [] },
  { method: 'GET', url: '/ajax-api/3.0/mlflow/ui-telemetry', needs: null, experiments: [] },
  { method: 'POST', url: '/ajax-api/3.0/mlflow/ui-telemetry', body: { records: [] }, needs: null, experiments: [] },
  { method: 'GET', url: '/ajax-api/2.0/mlflow/gateway-proxy', needs: null, experiments: [] },
  // Calls a model with the server's own credentials.
  { method: 'POST', url: '/ajax-api/2.0/mlflow/gateway-proxy', body: {}, needs: 'admin', experiments: [] },
  {
    method: 'POST',
    url: '/graphql',
    body: { query: 'query { test(inputString: "x") { output } }' },
    needs: null,
    experiments: [],
  },
  // Experiments.
  { method: 'POST', url: `${A2}/experiments/create`, body: { name: 'new' }, needs: null, experiments: [] },
  {
    method: 'POST',
    url: `${A2}/experiments/search`,
    body: { max_results: 10 },
    needs: null,
    experiments: [],
    answeredByGateway: true,
  },
  {
    method: 'GET',
    url: `${A2}/experiments/search?max_results=10`,
    needs: null,
    experiments: [],
    answeredByGateway: true,
  },
  { method: 'GET', url: `${A2}/experiments/get?experiment_id=1`, needs: 'READ', experiments: ['1'] },
  { method: 'GET', url: `${A2}/experiments/get-by-name?experiment_name=two`, needs: 'READ', experiments: ['2'] },
  {
    method: 'POST',
    url: `${A2}/experiments/update`,
    body: { experiment_id: '1', new_name: 'x' },
    needs: 'EDIT',
    experiments: ['1'],
  },
  {
    method: 'POST',
    url: `${A2}/experiments/delete`,
    body: { experiment_id: '1' },
    needs: 'MANAGE',
    experiments: ['1'],
  },
  {
    method: 'POST',
    url: `${A2}/experiments/restore`,
    body: { experiment_id: '1' },
    needs: 'MANAGE',
    experiments: ['1'],
  },
  {
    method: 'POST',
    url: `${A2}/experiments/set-experiment-tag`,
    body: { experiment_id: '2', key: 'k', value: 'v' },
    needs: 'EDIT',
    experiments: ['2'],
  },
  {
    method: 'POST',
    url: `${A2}/experiments/delete-experiment-tag`,
    body: { experiment_id: '2', key: 'k' },
    needs: 'EDIT',
    experiments: ['2'],
  },
  // Runs.
  { method: 'POST', url: `${A2}/runs/create`, body: { experiment_id: '1' }, needs: 'EDIT', experiments: ['1'] },
  {
    method: 'POST',
    url: '/ajax-api/2.0/mlflow/runs/create-promptlab-run',
    body: { experiment_id: '2' },
    needs: 'EDIT',
    experiments: ['2'],
  },
  { method: 'GET', url: `${A2}/runs/get?run_id=r1`, needs: 'READ', experiments: ['1'] },
  { method: 'POST', url: `${A2}/runs/update`, body: { run_id: 'r1' }, needs: 'EDIT', experiments: ['1'] },
  { method: 'POST', url: `${A2}/runs/delete`, body: { run_id: 'r2' }, needs: 'MANAGE', experiments: ['2'] },
  { method: 'POST', url: `${A2}/runs/restore`, body: { run_id: 'r2' }, needs: 'MANAGE', experiments: ['2'] },
  {
    method: 'POST',
    url: `${A2}/runs/log-metric`,
    body: { run_id: 'r1', key: 'k', value: 1, timestamp: 0, model_id: 'm2' },
    needs: 'EDIT',
    experiments: ['1', '2'],
  },
  {
    method: 'POST',
    url: `${A2}/runs/log-parameter`,
    body: { run_uuid: 'r1', key: 'k', value: 'v' },
    needs: 'EDIT',
    experiments: ['1'],
  },
  {
    method: 'POST',
    url: `${A2}/runs/set-tag`,
    body: { run_id: 'r1', key: 'k', value: 'v' },
    needs: 'EDIT',
    experiments: ['1'],
  },
  { method: 'POST', url: `${A2}/runs/delete-tag`, body: { run_id: 'r1', key: 'k' }, needs: 'EDIT', experiments: ['1'] },
  {
    method: 'POST',
    url: `${A2}/runs/log-batch`,
    body: { run_id: 'r1', metrics: [{ key: 'k', value: 1, timestamp: 0, step: 0, model_id: 'm2' }] },
    needs: 'EDIT',
    experiments: ['1', '2'],
  },
  {
    method: 'POST',
    url: `${A2}/runs/log-model`,
    body: { run_id: 'r2', model_json: '{}' },
    needs: 'EDIT',
    experiments: ['2'],
  },
  {
    method: 'POST',
    url: `${A2}/runs/log-inputs`,
    body: { run_id: 'r1', models: [{ model_id: 'm2' }] },
    needs: 'EDIT',
    experiments: ['1', '2'],
  },
  {
    method: 'POST',
    url: `${A2}/runs/outputs`,
    body: { run_id: 'r2', models: [{ model_id: 'm1' }] },
    needs: 'EDIT',
    experiments: ['1', '2'],
  },
  { method: 'GET', url: `${A2}/metrics/get-history?run_id=r2&metric_key=k`, needs: 'READ', experiments: ['2'] },
];

const BELOW: Readonly<Record<PermissionLevel, PermissionLevel>> = {
  NO_PERMISSIONS: 'NO_PERMISSIONS',
  READ: 'NO_PERMISSIONS',
  USE: 'READ',
  EDIT: 'USE',
  MANAGE: 'EDIT',
};

describe('every catalogued route through the pipeline', () => {
  let pipeline: Pipeline;
  let counter = 0;

  before(async () => {
    pipeline = await startPipeline(MLFLOW);
  });
  after(() => pipeline.close());

  async function send(row: Row, authorization: string): Promise<{ status: number; forwarded: boolean }> {
    const before = pipeline.forwarded.length;
    const response = await fetch(pipeline.url + row.url, {
      method: row.method,
      headers: {
        authorization,
        ...(row.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(row.body === undefined ? {} : { body: JSON.stringify(row.body) }),
    });
    await response.arrayBuffer();
    return { status: response.status, forwarded: pipeline.forwarded.length > before };
  }

  for (const row of ROWS) {
    const title = `${row.method} ${row.url.split('?')[0] ?? ''}`;
    if (row.needs === null) {
      it(`${title}: any authenticated caller`, async () => {
        const user = await pipeline.user(`u${counter++}`);
        expect(await send(row, user)).to.deep.equal({ status: 200, forwarded: row.answeredByGateway !== true });
      });
      continue;
    }
    if (row.needs === 'admin') {
      it(`${title}: administrators only`, async () => {
        const user = await pipeline.user(`u${counter++}`);
        expect(await send(row, user)).to.deep.equal({ status: 403, forwarded: false });
      });
      continue;
    }
    const needs = row.needs;
    it(`${title}: ${needs} on experiment ${row.experiments.join(' and ')}`, async () => {
      const name = `u${counter++}`;
      const user = await pipeline.user(name);
      expect(await send(row, user), 'no grant').to.deep.equal({ status: 403, forwarded: false });
      for (const experiment of row.experiments) {
        await pipeline.grant(experiment, name, needs);
      }
      expect(await send(row, user), `${needs} on each`).to.deep.equal({ status: 200, forwarded: true });
      for (const short of row.experiments) {
        for (const experiment of row.experiments) {
          await pipeline.grant(experiment, name, experiment === short ? BELOW[needs] : needs);
        }
        expect(await send(row, user), `${BELOW[needs]} on ${short}`).to.deep.equal({ status: 403, forwarded: false });
      }
    });
  }

  describe('SearchRuns, which leaves out the experiments the caller may not read', () => {
    const search = (authorization: string) =>
      fetch(`${pipeline.url}${A2}/runs/search`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ experiment_ids: ['1', '2'], max_results: 5 }),
      });

    it('sends MLflow only the readable experiments, and answers an empty result itself when none is', async () => {
      const user = await pipeline.user('searcher');
      const before = pipeline.forwarded.length;
      const none = await search(user);
      expect(none.status).to.equal(200);
      expect(await none.json()).to.deep.equal({});
      expect(pipeline.forwarded.length, 'nothing reached MLflow').to.equal(before);

      await pipeline.grant('2', 'searcher', 'READ');
      expect((await search(user)).status).to.equal(200);
      expect(JSON.parse(pipeline.forwardedBodies.at(-1) ?? '{}')).to.deep.equal({
        experiment_ids: ['2'],
        max_results: 5,
      });

      await pipeline.grant('1', 'searcher', 'READ');
      const raw = JSON.stringify({ experiment_ids: ['1', '2'], max_results: 5 });
      expect((await search(user)).status).to.equal(200);
      expect(pipeline.forwardedBodies.at(-1), 'all readable: replayed byte for byte').to.equal(raw);
    });
  });

  it('SearchLoggedModels leaves out the unreadable experiments the same way', async () => {
    const user = await pipeline.user('model-searcher');
    await pipeline.grant('1', 'model-searcher', 'READ');
    const response = await fetch(`${pipeline.url}${A2}/logged-models/search`, {
      method: 'POST',
      headers: { authorization: user, 'content-type': 'application/json' },
      body: JSON.stringify({ experiment_ids: ['1', '2'] }),
    });
    expect(response.status).to.equal(200);
    expect(JSON.parse(pipeline.forwardedBodies.at(-1) ?? '{}')).to.deep.equal({ experiment_ids: ['1'] });
  });

  it('SearchTracesV3 keeps every readable location, whichever spelling names it', async () => {
    const user = await pipeline.user('trace-searcher');
    await pipeline.grant('1', 'trace-searcher', 'READ');
    await pipeline.grant('2', 'trace-searcher', 'READ');
    const locations = [
      { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } },
      { type: 'MLFLOW_EXPERIMENT', mlflowExperiment: { experimentId: '2' } },
      { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '3' } },
    ];
    const response = await fetch(`${pipeline.url}/api/3.0/mlflow/traces/search`, {
      method: 'POST',
      headers: { authorization: user, 'content-type': 'application/json' },
      body: JSON.stringify({ locations }),
    });
    expect(response.status).to.equal(200);
    expect(JSON.parse(pipeline.forwardedBodies.at(-1) ?? '{}')).to.deep.equal({ locations: locations.slice(0, 2) });
  });

  it('covers every catalogued route (add a row here or in test/tables/ for each new one)', () => {
    const table = createRouteTable(ROUTES);
    // MLflow serves some paths twice (a FastAPI route in front of its Flask twin): one request covers both.
    const shapeOf = (route: RouteSpec): string => `${route.operation} ${route.method} ${toPathToRegexp(route.path)}`;
    const hit = new Set<string>();
    const requests = [
      ...ROWS.map((row) => ({ method: row.method, path: row.url.split('?')[0] ?? '' })),
      { method: 'POST', path: `${A2}/runs/search` },
      { method: 'POST', path: '/ajax-api/2.0/mlflow/experiments/search-datasets' },
      // GraphQL's GET form: its document travels in the body, which fetch cannot send on a GET (tested end to end
      // in test/e2e/graphql.test.ts).
      { method: 'GET', path: '/graphql' },
      ...TRACKING_ROWS.map((row) => row.request),
      ...REGISTRY_ROWS.map((row) => row.request),
      ...ARTIFACT_CASES.map(([method, url]) => ({ method, path: decodePath(url.split('?')[0] ?? '') })),
      // GenAI (h/genai).
      ...GENAI_ROWS.map((row) => row.request),
      // AI gateway, webhooks, MCP servers, assistant, workspaces (h/gateway).
      ...GATEWAY_ROWS.map((row) => row.request),
    ];
    for (const request of requests) {
      const found = table.match(request.method, request.path);
      if (found !== undefined) hit.add(shapeOf(found.route));
    }
    const missing = ROUTES.filter((route) => route.operation !== 'Health' && !hit.has(shapeOf(route))).map(
      (route) => `${route.operation}: ${route.method} ${route.prefixes[0] ?? ''}${route.path}`,
    );
    expect(missing).to.deep.equal([]);
  });
});
