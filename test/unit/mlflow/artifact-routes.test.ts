/**
 * Logged-model and artifact routes, table-driven: a request -> the operation, the resources it names (as the
 * gateway reads them, where MLflow reads them) -> the permission the shipped policy requires on each.
 */
import { expect } from 'chai';

import type { Principal } from '../../../src/auth/principal.js';
import { MlgateError } from '../../../src/errors.js';
import { type RouteTable, createRouteTable, decodePath } from '../../../src/mlflow/match.js';
import { parseJsonBody, parseQuery, readsBody } from '../../../src/mlflow/params.js';
import { type Reference, extractReferences } from '../../../src/mlflow/references.js';
import { ROUTES } from '../../../src/mlflow/routes.js';
import { defaultBundlePath } from '../../../src/paths.js';
import { readBundle } from '../../../src/policy/bundle.js';
import { type DecisionEngine, createDecisionEngine } from '../../../src/policy/engine.js';
import { buildPolicyInput } from '../../../src/policy/input.js';
import { ARTIFACT_CASES as CASES, MODEL, RUN } from '../../tables/artifact-rows.js';

const user: Principal = { authenticated: true, username: 'u', isAdmin: false, groups: [], method: 'basic' };

/** The request as the pipeline reads it: decoded path, route, parameters, references. */
function read(
  table: RouteTable,
  method: string,
  url: string,
  body?: Record<string, unknown>,
): { operation: string; references: Reference[] } {
  const [rawPath, querystring = ''] = url.split(/\?(.*)/s, 2) as [string, string?];
  const path = decodePath(rawPath);
  const found = table.match(method, path);
  if (found === undefined) {
    throw new Error(`no route for ${method} ${path}`);
  }
  const bytes = Buffer.from(body === undefined ? '' : JSON.stringify(body));
  const params =
    found.route.body !== 'stream' && readsBody(method, querystring)
      ? { source: 'body' as const, body: parseJsonBody(bytes, method, 'application/json') }
      : { source: 'query' as const, query: parseQuery(querystring) };
  const references = extractReferences(found.route, { params, query: parseQuery(querystring), path: found.params });
  return { operation: found.route.operation, references };
}

/** The permission the policy requires on each reference (every reference posing as its own experiment). */
function required(engine: DecisionEngine, operation: string, references: readonly Reference[]): string[] {
  const decision = engine.decide(
    buildPolicyInput({
      principal: user,
      operation,
      targets: references.map((r) => ({
        type: 'experiment',
        id: `${r.kind}:${r.value}`,
        via: r.kind,
        ref: r.value,
        exists: true,
        ...(r.permission === undefined ? {} : { permission: r.permission }),
      })),
      grants: new Map(),
      method: 'GET',
      path: '/',
      now: new Date(),
    }),
  );
  return references.map((r) => {
    const check = decision.checks.find((c) => c.id === `${r.kind}:${r.value}`);
    return `${r.kind}:${r.value}=${check?.required ?? '?'}`;
  });
}

describe('logged-model and artifact routes', () => {
  const table = createRouteTable(ROUTES);
  let engine: DecisionEngine;

  before(async () => {
    engine = createDecisionEngine();
    await engine.load(await readBundle(defaultBundlePath()), {
      config: { default_permission: 'NO_PERMISSIONS', admin_groups: [] },
    });
  });

  for (const [method, url, body, operation, named] of CASES) {
    it(`${method} ${url.replace(/[0-9a-f]{32}/g, '…')} -> ${operation} ${named.join(', ') || '(nothing)'}`, () => {
      const request = read(table, method, url, body);
      expect(request.operation).to.equal(operation);
      expect(required(engine, operation, request.references)).to.deep.equal(named);
    });
  }

  it('refuses a request whose artifact path names nothing to a non-administrator, with a hint', () => {
    const decision = engine.decide(
      buildPolicyInput({
        principal: user,
        operation: 'UploadArtifact',
        targets: [],
        grants: new Map(),
        method: 'PUT',
        path: '/',
        now: new Date(),
      }),
    );
    expect(decision.allow).to.equal(false);
    expect(decision.reasons).to.deep.equal(['no-targets']);
  });

  const refused: [string, string, Record<string, unknown>?][] = [
    // Traversal, dot segments, encoded slashes and double encoding, in the path and in parameters.
    ['GET', `/api/2.0/mlflow-artifacts/artifacts/3/${RUN}/artifacts/../../4/x`],
    ['GET', `/api/2.0/mlflow-artifacts/artifacts/3/${RUN}/artifacts/%2e%2e/x`],
    ['GET', `/api/2.0/mlflow-artifacts/artifacts/3%2F${RUN}/artifacts/x`],
    ['PUT', `/api/2.0/mlflow-artifacts/artifacts/%25334/${RUN}/artifacts/x`],
    ['PUT', `/api/2.0/mlflow-artifacts/artifacts/3/${RUN}/artifacts/a%255c..%255cb`],
    ['GET', `/api/2.0/mlflow-artifacts/artifacts?path=3/${RUN}/artifacts/../../../4`],
    ['GET', `/api/2.0/mlflow-artifacts/artifacts?path=%25334/${RUN}`],
    ['GET', `/api/2.0/mlflow-artifacts/artifacts?path=/3/${RUN}`],
    ['GET', `/get-artifact?run_id=${RUN}&path=../../4/x`],
    ['GET', `/get-artifact?run_id=${RUN}&path=%252e%252e/x`],
    ['GET', `/api/2.0/mlflow/artifacts/list?run_id=${RUN}&path=a/../..`],
    ['POST', `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${RUN}&path=..%5Cx`],
    ['GET', `/ajax-api/2.0/mlflow/logged-models/${MODEL}/artifacts/files?artifact_file_path=../x`],
    ['GET', `/api/2.0/mlflow/logged-models/${MODEL}/artifacts/directories?artifact_directory_path=a/./b`],
    ['POST', '/api/2.0/mlflow/artifacts/presigned-download-url', { run_id: RUN, path: '../x' }],
    ['POST', `/api/2.0/mlflow-artifacts/mpu/create/3/${RUN}/artifacts`, { path: '/tmp/..', num_parts: 1 }],
    ['POST', `/api/2.0/mlflow-artifacts/mpu/complete/3/${RUN}/artifacts`, { path: 'C:\\x\\..', parts: [] }],
    // Required parameters.
    ['GET', '/get-artifact?path=x'],
    ['POST', `/ajax-api/2.0/mlflow/upload-artifact?run_id=${RUN}&path=a.txt`],
    ['PATCH', `/api/2.0/mlflow/logged-models/${MODEL}`, { status: 2 }],
    ['POST', `/api/2.0/mlflow-artifacts/mpu/create/3/${RUN}/artifacts`, { num_parts: 1 }],
  ];
  for (const [method, url, body] of refused) {
    it(`refuses ${method} ${url.replace(/[0-9a-f]{32}/g, '…')} (400)`, () => {
      expect(() => read(table, method, url, body))
        .to.throw(MlgateError)
        .with.property('code', 'MLGATE_REQUEST_INVALID');
    });
  }
});
