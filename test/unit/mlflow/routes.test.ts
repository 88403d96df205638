import { expect } from 'chai';

import type { Principal } from '../../../src/auth/principal.js';
import { MlgateError } from '../../../src/errors.js';
import { type RouteMatch, createRouteTable, decodePath, toPathToRegexp } from '../../../src/mlflow/match.js';
import { extractReferences } from '../../../src/mlflow/references.js';
import { ROUTES, type RouteSpec } from '../../../src/mlflow/routes.js';
import { defaultBundlePath } from '../../../src/paths.js';
import { readBundle } from '../../../src/policy/bundle.js';
import { createDecisionEngine } from '../../../src/policy/engine.js';
import { buildPolicyInput } from '../../../src/policy/input.js';

const table = createRouteTable(ROUTES);

function route(method: string, path: string): RouteSpec {
  const found = table.match(method, path);
  expect(found, `${method} ${path}`).to.not.equal(undefined);
  return (found as RouteMatch).route;
}

describe('route catalogue', () => {
  it('serves every protobuf route under /api and /ajax-api', () => {
    expect(route('GET', '/api/2.0/mlflow/runs/get').operation).to.equal('GetRun');
    expect(route('GET', '/ajax-api/2.0/mlflow/runs/get').operation).to.equal('GetRun');
    expect(route('GET', '/api/3.0/mlflow/server-info').operation).to.equal('ServerInfo');
    expect(route('GET', '/health').operation).to.equal('Health');
  });

  it('tells operations apart by method', () => {
    expect(route('POST', '/api/2.0/mlflow/experiments/search').operation).to.equal('SearchExperiments');
    expect(route('GET', '/api/2.0/mlflow/experiments/search').operation).to.equal('SearchExperiments');
    expect(table.match('PUT', '/api/2.0/mlflow/experiments/search')).to.equal(undefined);
    expect(table.match('POST', '/api/2.0/mlflow/runs/get')).to.equal(undefined);
  });

  it('matches HEAD like GET, because MLflow answers HEAD with the GET view', () => {
    expect(route('HEAD', '/api/2.0/mlflow/runs/get').operation).to.equal('GetRun');
  });

  it('leaves unknown, trailing-slash and wrong-version paths unmatched', () => {
    expect(table.match('GET', '/api/2.0/mlflow/runs/get/')).to.equal(undefined);
    expect(table.match('GET', '/api/3.0/mlflow/runs/get')).to.equal(undefined);
    expect(table.match('GET', '/api/2.0/mlflow/registered-models/searches')).to.equal(undefined);
    expect(table.match('GET', '//api/2.0/mlflow/runs/get')).to.equal(undefined);
  });

  it('refuses a catalogue that lists a route twice', () => {
    const first = ROUTES[0] as RouteSpec;
    expect(() => createRouteTable([first, first])).to.throw(/listed twice/);
  });

  it('decodes the path as MLflow does, and refuses malformed escapes', () => {
    expect(decodePath('/api/2.0/mlflow/runs/%67et')).to.equal('/api/2.0/mlflow/runs/get');
    expect(() => decodePath('/api/%zz')).to.throw(MlgateError);
  });

  it('names, for every route, an operation the shipped policy knows', async () => {
    const engine = createDecisionEngine();
    await engine.load(await readBundle(defaultBundlePath()), {
      config: { default_permission: 'NO_PERMISSIONS', admin_groups: [] },
    });
    const user: Principal = { authenticated: true, username: 'u', isAdmin: false, groups: [], method: 'basic' };
    for (const operation of new Set(ROUTES.map((r) => r.operation))) {
      const decision = engine.decide(
        buildPolicyInput({
          principal: user,
          operation,
          targets: [],
          grants: new Map(),
          method: 'GET',
          path: '/',
          now: new Date(),
        }),
      );
      expect(decision.reasons, operation).to.not.include('route-unknown');
      expect(decision.reasons, operation).to.not.include('operation-invalid');
    }
  });
});

describe('resource references', () => {
  const body = (value: Record<string, unknown>) => ({ source: 'body', body: value }) as const;

  it('finds the run of a run route, whichever name it uses', () => {
    expect(
      extractReferences(route('POST', '/api/2.0/mlflow/runs/log-parameter'), body({ run_uuid: 'r1' })),
    ).to.deep.equal([{ kind: 'run', value: 'r1' }]);
  });

  it('finds logged models next to the run (log-metric and log-batch)', () => {
    expect(
      extractReferences(route('POST', '/api/2.0/mlflow/runs/log-metric'), body({ run_id: 'r1', model_id: 'm-1' })),
    ).to.deep.equal([
      { kind: 'run', value: 'r1' },
      { kind: 'logged_model', value: 'm-1' },
    ]);
    expect(
      extractReferences(
        route('POST', '/api/2.0/mlflow/runs/log-batch'),
        body({ run_id: 'r1', metrics: [{ model_id: 'm-1' }, { model_id: 'm-2' }, {}] }),
      ),
    ).to.deep.equal([
      { kind: 'run', value: 'r1' },
      { kind: 'logged_model', value: 'm-1' },
      { kind: 'logged_model', value: 'm-2' },
    ]);
  });

  it('finds every experiment of a run search', () => {
    expect(
      extractReferences(route('POST', '/api/2.0/mlflow/runs/search'), body({ experiment_ids: ['1', '2', '1'] })),
    ).to.deep.equal([
      { kind: 'experiment', value: '1' },
      { kind: 'experiment', value: '2' },
    ]);
    expect(extractReferences(route('POST', '/api/2.0/mlflow/runs/search'), body({}))).to.deep.equal([]);
  });

  it('finds an experiment by name', () => {
    const params = { source: 'query', query: new URLSearchParams('experiment_name=my exp') } as const;
    expect(extractReferences(route('GET', '/api/2.0/mlflow/experiments/get-by-name'), params)).to.deep.equal([
      { kind: 'experiment_name', value: 'my exp' },
    ]);
  });

  it('accepts only canonical experiment ids: MLflow reads "007", " 7", "+7", "7_0" and "７" as numbers', () => {
    const get = route('GET', '/api/2.0/mlflow/experiments/get');
    const search = route('POST', '/api/2.0/mlflow/runs/search');
    for (const id of ['0', '7', '1234567890']) {
      expect(extractReferences(get, body({ experiment_id: id }))).to.deep.equal([{ kind: 'experiment', value: id }]);
    }
    for (const id of ['00', '007', ' 7', '7 ', '+7', '-0', '7_0', '\uff17', '7.0', '0x7', 'abc']) {
      expect(() => extractReferences(get, body({ experiment_id: id })), JSON.stringify(id))
        .to.throw(MlgateError)
        .with.property('code', 'MLGATE_REQUEST_INVALID');
      expect(() => extractReferences(search, body({ experiment_ids: ['1', id] })), JSON.stringify(id)).to.throw(
        MlgateError,
      );
    }
  });

  it('refuses ids and names that are not well-formed strings (a lone surrogate), naming the field', () => {
    const cases: [string, string, Record<string, unknown>, string][] = [
      ['POST', '/api/2.0/mlflow/runs/log-parameter', { run_id: 'r-\ud800' }, '"run_id"'],
      ['POST', '/api/2.0/mlflow/runs/log-parameter', { run_uuid: '\udfffr' }, '"run_id"'],
      ['POST', '/api/2.0/mlflow/runs/log-metric', { run_id: 'r1', model_id: 'm-\ud800' }, '"model_id"'],
      [
        'POST',
        '/api/2.0/mlflow/runs/log-batch',
        { run_id: 'r1', metrics: [{ model_id: 'm-\ud800' }] },
        '"metrics[].model_id"',
      ],
      [
        'POST',
        '/api/2.0/mlflow/runs/log-inputs',
        { run_id: 'r1', models: [{ model_id: 'm-\udc00' }] },
        '"models[].model_id"',
      ],
      ['GET', '/api/2.0/mlflow/experiments/get-by-name', { experiment_name: 'exp-\ud800' }, '"experiment_name"'],
      ['GET', '/api/2.0/mlflow/experiments/get', { experiment_id: '7\ud800' }, '"experiment_id"'],
      ['POST', '/api/2.0/mlflow/runs/search', { experiment_ids: ['1', '\ud800'] }, '"experiment_ids"'],
    ];
    for (const [method, path, fields, name] of cases) {
      expect(() => extractReferences(route(method, path), body(fields)), `${path} ${name}`)
        .to.throw(MlgateError)
        .that.satisfies(
          (error: MlgateError) =>
            error.code === 'MLGATE_REQUEST_INVALID' &&
            error.message.includes(name) &&
            error.message.includes('well-formed'),
        );
    }
    // Characters outside the BMP are well-formed surrogate pairs.
    expect(
      extractReferences(
        route('GET', '/api/2.0/mlflow/experiments/get-by-name'),
        body({ experiment_name: 'exp \ud83d\ude00' }),
      ),
    ).to.deep.equal([{ kind: 'experiment_name', value: 'exp \ud83d\ude00' }]);
  });

  it('refuses a request naming more resources than the limit (each may cost a look-up)', () => {
    const batch = route('POST', '/api/2.0/mlflow/runs/log-batch');
    const metrics = (n: number) => Array.from({ length: n }, (_, i) => ({ model_id: `m-${i}` }));
    expect(extractReferences(batch, body({ run_id: 'r', metrics: metrics(9) }), 10)).to.have.length(10);
    expect(() => extractReferences(batch, body({ run_id: 'r', metrics: metrics(10) }), 10))
      .to.throw(MlgateError)
      .with.property('message')
      .that.includes('server.max_resources_per_request');
  });

  it('refuses a request without its required id (400)', () => {
    try {
      extractReferences(route('POST', '/api/2.0/mlflow/runs/create'), body({ run_name: 'x' }));
      expect.fail('expected 400');
    } catch (error) {
      expect((error as MlgateError).code).to.equal('MLGATE_REQUEST_INVALID');
      expect((error as Error).message).to.include('"experiment_id"');
    }
  });
});

describe('path templates', () => {
  const spec = (operation: string, method: 'GET' | 'PUT', path: string): RouteSpec =>
    ({ operation, method, path, prefixes: ['/api/2.0'], targets: [], handling: 'stream' }) as unknown as RouteSpec;
  const templates = createRouteTable([
    spec('GetLoggedModel', 'GET', '/mlflow/logged-models/<model_id>'),
    spec('SearchLoggedModels', 'GET', '/mlflow/logged-models/search'),
    spec('ListLoggedModelArtifacts', 'GET', '/mlflow/logged-models/<model_id>/artifacts/directories'),
    spec('DownloadArtifact', 'GET', '/mlflow-artifacts/artifacts/<path:artifact_path>'),
    spec('UploadArtifact', 'PUT', '/mlflow-artifacts/artifacts/{artifact_path:path}'),
    spec('GetJob', 'GET', '/jobs/{job_id}'),
  ]);

  it('translates Flask and FastAPI templates', () => {
    expect(toPathToRegexp('/a/<model_id>/b/<path:artifact_path>')).to.equal('/a/:model_id/b/*artifact_path');
    expect(toPathToRegexp('/a/{name}/b/{rest:path}')).to.equal('/a/:name/b/*rest');
  });

  it('takes parameters from the decoded path without decoding them again', () => {
    expect(templates.match('GET', '/api/2.0/mlflow/logged-models/m-1%41')).to.deep.include({
      params: { model_id: 'm-1%41' },
    });
    expect(templates.match('PUT', '/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/x y.txt')).to.deep.include({
      params: { artifact_path: '1/abc/artifacts/x y.txt' },
    });
    expect(templates.match('GET', '/api/2.0/jobs/42')?.route.operation).to.equal('GetJob');
  });

  it('prefers the more specific route, as werkzeug does, whatever the order of the catalogue', () => {
    expect(templates.match('GET', '/api/2.0/mlflow/logged-models/search')?.route.operation).to.equal(
      'SearchLoggedModels',
    );
    expect(templates.match('GET', '/api/2.0/mlflow/logged-models/m-1/artifacts/directories')?.route.operation).to.equal(
      'ListLoggedModelArtifacts',
    );
  });

  it('does not let a single-segment parameter span a slash, nor match a trailing slash or another case', () => {
    expect(templates.match('GET', '/api/2.0/mlflow/logged-models/a/b')).to.equal(undefined);
    expect(templates.match('GET', '/api/2.0/mlflow/logged-models/m-1/')).to.equal(undefined);
    expect(templates.match('GET', '/api/2.0/mlflow/Logged-models/m-1')).to.equal(undefined);
    expect(templates.match('GET', '/api/2.0/mlflow-artifacts/artifacts')).to.equal(undefined);
  });
});

describe('paths MLflow could read otherwise', () => {
  const refused = (raw: string) =>
    expect(() => decodePath(raw), raw)
      .to.throw(MlgateError)
      .with.property('code', 'MLGATE_REQUEST_INVALID');

  it('are refused before matching: encoded separators, dot segments, empty segments, backslashes, NUL', () => {
    for (const raw of [
      '/api/2.0/mlflow-artifacts/artifacts/1%2F..%2F2/x',
      '/api/2.0/mlflow-artifacts/artifacts/1%2f2',
      '/api/2.0/mlflow-artifacts/artifacts/1%5C2',
      '/api/2.0/mlflow-artifacts/artifacts/1/../2/x',
      '/api/2.0/mlflow-artifacts/artifacts/1/%2E%2E/2/x',
      '/api/2.0/mlflow-artifacts/artifacts/1/./x',
      '/api/2.0/mlflow-artifacts/artifacts/1/..',
      '/api/2.0/mlflow-artifacts/artifacts/1//x',
      '/api/2.0/mlflow-artifacts/artifacts/1\\..\\2',
      '/api/2.0/mlflow-artifacts/artifacts/1%00',
    ]) {
      refused(raw);
    }
  });

  it('are not confused with names that merely contain dots', () => {
    expect(decodePath('/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/model..v2/.hidden')).to.equal(
      '/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/model..v2/.hidden',
    );
  });
});

describe('Flask handlers that read request.json', () => {
  const promptlab = () => route('POST', '/ajax-api/2.0/mlflow/runs/create-promptlab-run');
  const view = (body: Record<string, unknown>) => ({
    params: { source: 'body', body } as const,
    query: new URLSearchParams(),
    path: {},
  });

  it('read the snake_case name only: a lowerCamelCase alias is not what MLflow acts on', () => {
    expect(extractReferences(promptlab(), view({ experiment_id: '5' }))).to.deep.equal([
      { kind: 'experiment', value: '5' },
    ]);
    expect(() => extractReferences(promptlab(), view({ experimentId: '5' })))
      .to.throw(MlgateError)
      .with.property('code', 'MLGATE_REQUEST_INVALID');
    expect(extractReferences(promptlab(), view({ experiment_id: '5', experimentId: '6' }))).to.deep.equal([
      { kind: 'experiment', value: '5' },
    ]);
  });
});
