/**
 * mlgate explain and the gateway must not drift apart: the same requests, for the same users, through the whole
 * pipeline in process and through explainRequest (with the CLI's own principal look-up), over the same store,
 * bundle, route table and MLflow look-ups, give the same answer: forwarded when explain allows, else the same
 * status. Rows cover every way parameters are read (query string, JSON body, path, streamed upload, OTLP export
 * with a header), resolution (run, name, logged model, a missing run), per-target permissions, filtered searches,
 * unknown and administrator-only routes, and requests refused before the policy.
 */
import { expect } from 'chai';

import { explainPrincipal } from '../../../src/cli/explain-command.js';
import type { PermissionLevel } from '../../../src/config/schema.js';
import { MlgateError } from '../../../src/errors.js';
import { explainRequest } from '../../../src/explain/explain.js';
import { createRouteTable } from '../../../src/mlflow/match.js';
import { createResolver } from '../../../src/mlflow/resolve.js';
import { ROUTES } from '../../../src/mlflow/routes.js';
import { type Pipeline, startPipeline } from '../../helpers/pipeline.js';
import { RUN, RUN2 } from '../../tables/artifact-rows.js';

interface Row {
  /** What the row is about, when its path alone does not say. */
  readonly note?: string;
  readonly method: string;
  readonly url: string;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The grants that let the request through (empty: none does). */
  readonly grants: readonly (readonly [experiment: string, level: PermissionLevel])[];
}

const json = (value: unknown): string => JSON.stringify(value);
const A2 = '/api/2.0/mlflow';

const ROWS: readonly Row[] = [
  { method: 'GET', url: `${A2}/experiments/get?experiment_id=1`, grants: [['1', 'READ']] },
  { method: 'GET', url: `${A2}/runs/get?run_id=r2`, grants: [['2', 'READ']] },
  {
    method: 'POST',
    url: `${A2}/runs/log-metric`,
    body: json({ run_id: 'r1', key: 'k', value: 1, timestamp: 0, step: 0 }),
    grants: [['1', 'EDIT']],
  },
  { method: 'GET', url: `${A2}/experiments/get-by-name?experiment_name=two`, grants: [['2', 'READ']] },
  { method: 'POST', url: `${A2}/experiments/delete`, body: json({ experiment_id: '1' }), grants: [['1', 'MANAGE']] },
  { method: 'GET', url: `${A2}/logged-models/m1`, grants: [['1', 'READ']] },
  {
    method: 'POST',
    url: `${A2}/logged-models`,
    body: json({ experiment_id: '1', source_run_id: RUN2 }),
    grants: [
      ['1', 'EDIT'],
      ['2', 'READ'],
    ],
  },
  { method: 'POST', url: `${A2}/runs/search`, body: json({ experiment_ids: ['1', '2'] }), grants: [['1', 'READ']] },
  {
    method: 'PUT',
    url: `/api/2.0/mlflow-artifacts/artifacts/1/${RUN}/artifacts/x.txt`,
    body: 'hello',
    headers: { 'content-type': 'text/plain' },
    grants: [['1', 'EDIT']],
  },
  {
    method: 'POST',
    url: '/v1/traces',
    body: json({ resourceSpans: [] }),
    headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': '2' },
    grants: [['2', 'EDIT']],
  },
  { method: 'GET', url: '/version', grants: [] },
  { method: 'GET', url: `${A2}/no-such-endpoint`, grants: [] },
  { method: 'POST', url: '/ajax-api/2.0/mlflow/gateway-proxy', body: json({}), grants: [] },
  { note: 'a missing run', method: 'GET', url: `${A2}/runs/get?run_id=missing`, grants: [] },
  {
    note: 'a run id that is not a string',
    method: 'POST',
    url: `${A2}/runs/log-metric`,
    body: json({ run_id: 5, key: 'k', value: 1, timestamp: 0 }),
    grants: [['1', 'EDIT']],
  },
  {
    note: 'another workspace',
    method: 'GET',
    url: `${A2}/experiments/get?experiment_id=1`,
    headers: { 'x-mlflow-workspace': 'other' },
    grants: [['1', 'READ']],
  },
];

type Scenario = 'no grant' | 'user grants' | 'group grants' | 'administrator';
const SCENARIOS: readonly Scenario[] = ['no grant', 'user grants', 'group grants', 'administrator'];

describe('mlgate explain agrees with the gateway (in process, shipped bundle)', () => {
  let pipeline: Pipeline;
  let counter = 0;

  before(async () => {
    pipeline = await startPipeline({
      runs: { r1: '1', r2: '2', [RUN]: '1', [RUN2]: '2' },
      loggedModels: { m1: '1' },
      experimentNames: { one: '1', two: '2' },
    });
  });
  after(() => pipeline.close());

  async function gateway(row: Row, authorization: string): Promise<{ status: number; forwarded: boolean }> {
    const before = pipeline.forwarded.length;
    const response = await fetch(pipeline.url + row.url, {
      method: row.method,
      headers: {
        authorization,
        ...(row.body === undefined || row.headers?.['content-type'] !== undefined
          ? {}
          : { 'content-type': 'application/json' }),
        ...row.headers,
      },
      ...(row.body === undefined ? {} : { body: row.body }),
    });
    await response.arrayBuffer();
    return { status: response.status, forwarded: pipeline.forwarded.length > before };
  }

  async function explained(row: Row, username: string): Promise<{ status: number; allowed: boolean }> {
    const { store, engine, client, config } = pipeline;
    const principal = await explainPrincipal(store, { user: username, groups: [], admin: false });
    try {
      const explanation = await explainRequest(
        {
          routes: createRouteTable(ROUTES),
          targets: {
            resolver: createResolver({ client, maxEntries: 100, missingTtlMs: 0 }),
            grantSource: store.grants,
            maxResources: config.server.max_resources_per_request,
          },
          policy: engine.snapshot(),
          rules: [],
          defaultPermission: config.permissions.default,
          adminGroups: config.auth.admin_groups,
          maxBodyBytes: config.server.max_json_body_bytes,
          now: new Date(),
        },
        principal,
        {
          method: row.method,
          url: row.url,
          ...(row.body === undefined ? {} : { body: Buffer.from(row.body) }),
          headers: Object.fromEntries(Object.entries(row.headers ?? {}).map(([name, value]) => [name, [value]])),
        },
      );
      return { status: explanation.refusal?.status ?? 200, allowed: explanation.allowed };
    } catch (error) {
      if (error instanceof MlgateError) return { status: error.status, allowed: false };
      throw error;
    }
  }

  for (const row of ROWS) {
    for (const scenario of SCENARIOS) {
      const what = `${row.method} ${row.url.split('?')[0] ?? ''}${row.note === undefined ? '' : ` (${row.note})`}`;
      it(`${what}: ${scenario}`, async () => {
        const name = `x${counter++}`;
        const authorization = await pipeline.user(name);
        if (scenario === 'administrator') {
          await pipeline.store.users.update(name, { isAdmin: true });
        }
        if (scenario === 'group grants') {
          await pipeline.store.users.update(name, { groups: [`${name}-team`, `${name}-other`] });
        }
        for (const [experiment, level] of row.grants) {
          if (scenario === 'user grants') await pipeline.grant(experiment, name, level);
          if (scenario === 'group grants') {
            await pipeline.store.grants.put({
              resourceType: 'experiment',
              resourceId: experiment,
              principalType: 'group',
              principal: `${name}-team`,
              permission: level,
              createdBy: 'test',
            });
            await pipeline.store.grants.put({
              resourceType: 'experiment',
              resourceId: experiment,
              principalType: 'group',
              principal: `${name}-other`,
              permission: 'NO_PERMISSIONS',
              createdBy: 'test',
            });
          }
        }
        const seen = await gateway(row, authorization);
        const explanation = await explained(row, name);
        expect(explanation.status, 'status').to.equal(seen.status);
        // Allowed: the gateway sent it on (or answered a filtered search itself with 200).
        expect(explanation.allowed, 'allowed').to.equal(seen.status < 400);
      });
    }
  }

  it('the rows cover allowed and refused requests alike', async () => {
    // A guard against a table where everything is refused (or allowed) for an unrelated reason.
    const name = `x${counter++}`;
    await pipeline.user(name);
    const statuses = new Set<number>();
    for (const row of ROWS) statuses.add((await explained(row, name)).status);
    expect([...statuses].sort()).to.include.members([200, 400, 403, 404]);
  });
});
