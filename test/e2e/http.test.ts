/**
 * The gateway over plain HTTP, in front of the real MLflow server: the
 * negative cases a client library would never send, search filtering and
 * pagination, and the error contract.
 */
import http from 'node:http';

import { expect } from 'chai';

import { type Credentials, basic, cli, startExtraGateway, world } from './world.js';

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

async function call(
  method: string,
  path: string,
  options: {
    credentials?: Credentials | null;
    authorization?: string;
    body?: string | object;
    contentType?: string;
    baseUrl?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.authorization !== undefined) {
    headers['authorization'] = options.authorization;
  } else if (options.credentials !== null && options.credentials !== undefined) {
    headers['authorization'] = basic(options.credentials);
  }
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] = options.contentType ?? 'application/json';
  }
  const response = await fetch(`${options.baseUrl ?? world.gateway.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    parsed = { text };
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

async function newUser(name: string, groups: string[] = []): Promise<Credentials> {
  await cli(['user', 'create', name, ...groups.flatMap((g) => ['--group', g])]);
  return { username: name, token: await cli(['token', 'create', name]) };
}

async function createExperiment(name: string, as: Credentials = world.users.admin): Promise<string> {
  const answer = await call('POST', '/api/2.0/mlflow/experiments/create', { credentials: as, body: { name } });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
  return answer.body['experiment_id'] as string;
}

async function createRun(experimentId: string, as: Credentials = world.users.admin): Promise<string> {
  const answer = await call('POST', '/api/2.0/mlflow/runs/create', {
    credentials: as,
    body: { experiment_id: experimentId },
  });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
  return (answer.body['run'] as { info: { run_id: string } }).info.run_id;
}

/** A HEAD request with a body (fetch cannot send one). */
function head(path: string, credentials: Credentials, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${world.gateway.url}${path}`, {
      method: 'HEAD',
      headers: {
        authorization: basic(credentials),
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
    });
    request.once('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.once('error', reject);
    request.end(body);
  });
}

function expectError(answer: Answer, status: number, code: string): void {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  expect(answer.body['code']).to.equal(code);
  expect(answer.body['request_id']).to.equal(answer.headers.get('x-request-id'));
  expect(answer.body['message']).to.be.a('string').that.is.not.empty;
}

describe('mlgate over HTTP', () => {
  describe('authentication', () => {
    const get = `/api/2.0/mlflow/experiments/get?experiment_id=0`;

    it('asks for credentials with 401 and a Basic challenge', async () => {
      const answer = await call('GET', get);
      expectError(answer, 401, 'MLGATE_AUTH_REQUIRED');
      expect(answer.body['error_code']).to.equal('UNAUTHENTICATED');
      expect(answer.headers.get('www-authenticate')).to.equal('Basic realm="mlgate", charset="UTF-8"');
    });

    it('refuses a cross-site browser write with Basic credentials (a browser resends them by itself)', async () => {
      const search = '/api/2.0/mlflow/experiments/search';
      const body = { max_results: 1 };
      const crossSite = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' };
      const refused = await call('POST', search, { credentials: world.users.reader, body, headers: crossSite });
      expectError(refused, 403, 'MLGATE_CROSS_SITE_REFUSED');
      const host = new URL(world.gateway.url).host;
      const sameOrigin = { origin: `http://${host}`, 'sec-fetch-site': 'same-origin' };
      expect(
        (await call('POST', search, { credentials: world.users.reader, body, headers: sameOrigin })).status,
      ).to.equal(200);
      // The MLflow client sends no browser headers at all.
      expect((await call('POST', search, { credentials: world.users.reader, body })).status).to.equal(200);
    });

    it('rejects malformed, unsupported and wrong credentials with 401', async () => {
      expectError(await call('GET', get, { authorization: 'Basic ***' }), 401, 'MLGATE_AUTH_MALFORMED');
      expectError(
        await call('GET', get, { authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' }),
        401,
        'MLGATE_AUTH_UNSUPPORTED',
      );
      expectError(
        await call('GET', get, { credentials: { username: 'admin', token: world.users.editor.token } }),
        401,
        'MLGATE_AUTH_INVALID',
      );
      expectError(
        await call('GET', get, { credentials: { username: 'ghost', token: 'mlg_x' } }),
        401,
        'MLGATE_AUTH_INVALID',
      );
    });

    it('rejects an expired token with 401 MLGATE_AUTH_TOKEN_EXPIRED', async () => {
      await cli(['user', 'create', 'shortlived']);
      const token = await cli(['token', 'create', 'shortlived', '--expires-in', '1s']);
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expectError(
        await call('GET', get, { credentials: { username: 'shortlived', token } }),
        401,
        'MLGATE_AUTH_TOKEN_EXPIRED',
      );
    });

    it('stops honouring a revoked token', async () => {
      const user = await newUser('revokee');
      await cli(['grant', '--experiment', world.sharedExperimentId, '--user', 'revokee', '--permission', 'READ']);
      const path = `/api/2.0/mlflow/experiments/get?experiment_id=${world.sharedExperimentId}`;
      expect((await call('GET', path, { credentials: user })).status).to.equal(200);
      const [token] = JSON.parse(await cli(['token', 'list', 'revokee', '--json'])) as { id: string }[];
      await cli(['token', 'revoke', 'revokee', token?.id as string]);
      expectError(await call('GET', path, { credentials: user }), 401, 'MLGATE_AUTH_INVALID');
    });

    it('serves public MLflow routes without credentials', async () => {
      const answer = await call('GET', '/health');
      expect(answer.status).to.equal(200);
    });
  });

  describe("the gateway's own endpoints", () => {
    it('reports liveness and readiness with the policy revision', async () => {
      expect((await call('GET', '/_mlgate/health/live')).body).to.deep.equal({ status: 'ok' });
      const ready = await call('GET', '/_mlgate/health/ready');
      expect(ready.status).to.equal(200);
      expect(ready.body['status']).to.equal('ready');
      const checks = ready.body['checks'] as { policy: { ok: boolean; revision: string }; store: { ok: boolean } };
      expect(checks.policy.ok).to.be.true;
      expect(checks.policy.revision).to.match(/^sha256:/);
      expect(checks.store.ok).to.be.true;
    });

    it('answers unknown /_mlgate/ paths with 404 and never forwards them', async () => {
      expectError(await call('GET', '/_mlgate/nothing', { credentials: world.users.admin }), 404, 'MLGATE_NOT_FOUND');
      expectError(await call('GET', '/%5Fmlgate/health/live'), 404, 'MLGATE_NOT_FOUND');
    });
  });

  describe('routes', () => {
    it('refuses routes outside the catalogue to users (403) and forwards them for administrators', async () => {
      // Every route MLflow serves is catalogued: an unknown one is a path MLflow does not serve (or a newer one).
      const path = '/api/2.0/mlflow/registered-models/search-everything';
      const refused = await call('GET', path, { credentials: world.users.editor });
      expectError(refused, 403, 'MLGATE_ROUTE_UNKNOWN');
      expect(refused.body['message']).to.include(`GET ${path} is not in the gateway's MLflow route catalogue`);
      // Forwarded for an administrator: MLflow itself answers that it has no such route.
      const forwarded = await call('GET', path, { credentials: world.users.admin });
      expect(forwarded.status).to.equal(404);
      expect(forwarded.body['code']).to.equal(undefined);
    });

    it('decodes percent-escapes in the path before matching, as MLflow does', async () => {
      const path = `/api/2.0/mlflow/experiments/%67et?experiment_id=${world.sharedExperimentId}`;
      expectError(await call('GET', path, { credentials: world.users.outsider }), 403, 'MLGATE_PERMISSION_DENIED');
      expect((await call('GET', path, { credentials: world.users.reader })).status).to.equal(200);
    });

    it('refuses a malformed percent-escape in the path with a JSON 400', async () => {
      expectError(
        await call('GET', '/api/2.0/mlflow/runs/%zz', { credentials: world.users.admin }),
        400,
        'MLGATE_REQUEST_INVALID',
      );
    });

    it('authorizes the /ajax-api twins like the /api routes', async () => {
      const path = `/ajax-api/2.0/mlflow/experiments/get?experiment_id=${world.sharedExperimentId}`;
      expectError(await call('GET', path, { credentials: world.users.outsider }), 403, 'MLGATE_PERMISSION_DENIED');
      expect((await call('GET', path, { credentials: world.users.reader })).status).to.equal(200);
    });

    it('authorizes HEAD like GET, reading its parameters where MLflow does (the JSON body)', async () => {
      const body = JSON.stringify({ experiment_id: world.sharedExperimentId });
      expect(await head('/api/2.0/mlflow/experiments/get', world.users.outsider, body)).to.equal(403);
      expect(await head('/api/2.0/mlflow/experiments/get', world.users.reader, body)).to.equal(200);
      // MLflow does not read a HEAD request's query string: without a body there is no id, refused.
      const query = `/api/2.0/mlflow/experiments/get?experiment_id=${world.sharedExperimentId}`;
      expect(await head(query, world.users.reader, '')).to.equal(400);
    });
  });

  describe('request parsing', () => {
    let runId: string;
    before(async () => {
      runId = await createRun(world.sharedExperimentId, world.users.editor);
    });

    it('refuses run_id and run_uuid that disagree', async () => {
      const other = await createRun(world.sharedExperimentId, world.users.editor);
      const answer = await call('GET', `/api/2.0/mlflow/runs/get?run_id=${runId}&run_uuid=${other}`, {
        credentials: world.users.reader,
      });
      expectError(answer, 400, 'MLGATE_REQUEST_INVALID');
      expect(answer.body['error_code']).to.equal('INVALID_PARAMETER_VALUE');
    });

    it('refuses a field given in both spellings, like MLflow', async () => {
      const answer = await call('POST', '/api/2.0/mlflow/runs/log-parameter', {
        credentials: world.users.editor,
        body: { run_id: runId, runId: 'ffffffffffffffffffffffffffffffff', key: 'k', value: 'v' },
      });
      expectError(answer, 400, 'MLGATE_REQUEST_INVALID');
    });

    it('refuses non-canonical experiment ids, which MLflow would read as another experiment', async () => {
      // With the default permission READ, an explicit NO_PERMISSIONS on experiment N must not be bypassed by "0N".
      const gateway = await startExtraGateway('default-read', { DEFAULT_MLFLOW_PERMISSION: 'READ' });
      const denied = await newUser('denied-one');
      await cli([
        'grant',
        '--experiment',
        world.sharedExperimentId,
        '--user',
        'denied-one',
        '--permission',
        'NO_PERMISSIONS',
      ]);
      const get = (id: string) =>
        call('GET', `/api/2.0/mlflow/experiments/get?experiment_id=${encodeURIComponent(id)}`, {
          credentials: denied,
          baseUrl: gateway.url,
        });
      expectError(await get(world.sharedExperimentId), 403, 'MLGATE_PERMISSION_DENIED');
      expect((await get('0')).status, 'the default READ applies elsewhere').to.equal(200);
      for (const id of [
        `0${world.sharedExperimentId}`,
        `+${world.sharedExperimentId}`,
        ` ${world.sharedExperimentId}`,
      ]) {
        expectError(await get(id), 400, 'MLGATE_REQUEST_INVALID');
      }
    });

    it('refuses invalid JSON, non-JSON POST bodies, non-string ids and repeated query keys', async () => {
      const editor = world.users.editor;
      expectError(
        await call('POST', '/api/2.0/mlflow/runs/log-parameter', { credentials: editor, body: '{"run_id":' }),
        400,
        'MLGATE_REQUEST_INVALID',
      );
      expectError(
        await call('POST', '/api/2.0/mlflow/runs/log-parameter', {
          credentials: editor,
          body: `{"run_id":"${runId}"}`,
          contentType: 'text/plain',
        }),
        400,
        'MLGATE_REQUEST_INVALID',
      );
      expectError(
        await call('POST', '/api/2.0/mlflow/runs/create', {
          credentials: editor,
          body: { experiment_id: Number(world.sharedExperimentId) },
        }),
        400,
        'MLGATE_REQUEST_INVALID',
      );
      expectError(
        await call('GET', `/api/2.0/mlflow/experiments/get?experiment_id=${world.sharedExperimentId}&experiment_id=0`, {
          credentials: editor,
        }),
        400,
        'MLGATE_REQUEST_INVALID',
      );
      expectError(
        await call('POST', '/api/2.0/mlflow/runs/create', { credentials: editor, body: {} }),
        400,
        'MLGATE_REQUEST_INVALID',
      );
    });

    it('decides on the id MLflow would use in double-encoded and camelCase bodies', async () => {
      const outsiderRun = await createRun(await createExperiment('camel-case'));
      const doubled = JSON.stringify(JSON.stringify({ runId: outsiderRun, key: 'k', value: 'v' }));
      expectError(
        await call('POST', '/api/2.0/mlflow/runs/log-parameter', { credentials: world.users.editor, body: doubled }),
        403,
        'MLGATE_PERMISSION_DENIED',
      );
      // MLflow itself requires the snake_case name of this required field; the double encoding it accepts.
      const mine = JSON.stringify(JSON.stringify({ run_id: runId, key: 'doubled', value: 'ok' }));
      expect(
        (await call('POST', '/api/2.0/mlflow/runs/log-parameter', { credentials: world.users.editor, body: mine }))
          .status,
      ).to.equal(200);
      const run = await call('GET', `/api/2.0/mlflow/runs/get?run_id=${runId}`, { credentials: world.users.reader });
      expect(JSON.stringify(run.body)).to.include('"doubled"');
    });

    it('answers an unknown run with 404, and an unknown experiment name with RESOURCE_DOES_NOT_EXIST', async () => {
      expectError(
        await call('GET', '/api/2.0/mlflow/runs/get?run_id=0123456789abcdef0123456789abcdef', {
          credentials: world.users.editor,
        }),
        404,
        'MLGATE_RESOURCE_NOT_FOUND',
      );
      const missing = await call('GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=no-such-thing', {
        credentials: world.users.editor,
      });
      expectError(missing, 404, 'MLGATE_RESOURCE_NOT_FOUND');
      expect(missing.body['error_code']).to.equal('RESOURCE_DOES_NOT_EXIST');
    });

    it('checks every logged model a batch names, in its own experiment', async () => {
      const hidden = await createExperiment('models-of-admin');
      const model = await call('POST', '/api/2.0/mlflow/logged-models', {
        credentials: world.users.admin,
        body: { experiment_id: hidden },
      });
      expect(model.status, JSON.stringify(model.body)).to.equal(200);
      const modelId = (model.body['model'] as { info: { model_id: string } }).info.model_id;
      const batch = { run_id: runId, metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0, model_id: modelId }] };
      const refused = await call('POST', '/api/2.0/mlflow/runs/log-batch', {
        credentials: world.users.editor,
        body: batch,
      });
      expectError(refused, 403, 'MLGATE_PERMISSION_DENIED');
      expect(refused.body['message']).to.include(`the experiment of logged model ${modelId}`);
      await cli(['grant', '--experiment', hidden, '--user', 'editor', '--permission', 'EDIT']);
      expect(
        (await call('POST', '/api/2.0/mlflow/runs/log-batch', { credentials: world.users.editor, body: batch })).status,
      ).to.equal(200);
    });

    it('refuses a request naming more resources than the gateway checks per request', async () => {
      const metrics = Array.from({ length: 1001 }, (_, i) => ({
        key: 'm',
        value: 1,
        timestamp: 1,
        step: i,
        model_id: `m-${i}`,
      }));
      const answer = await call('POST', '/api/2.0/mlflow/runs/log-batch', {
        credentials: world.users.editor,
        body: { run_id: runId, metrics },
      });
      expectError(answer, 400, 'MLGATE_REQUEST_INVALID');
      expect(answer.body['message']).to.include('server.max_resources_per_request');
    });

    it('reads a query string with a second leading "?" as MLflow does (the id is not there)', async () => {
      expectError(
        await call('GET', `/api/2.0/mlflow/runs/get??run_id=${runId}`, { credentials: world.users.reader }),
        400,
        'MLGATE_REQUEST_INVALID',
      );
    });

    it('refuses requests for an MLflow workspace other than the default', async () => {
      const path = `/api/2.0/mlflow/experiments/get?experiment_id=${world.sharedExperimentId}`;
      const answer = await fetch(`${world.gateway.url}${path}`, {
        headers: { authorization: basic(world.users.admin), 'x-mlflow-workspace': 'team-a' },
      });
      expect(answer.status).to.equal(400);
      expect(((await answer.json()) as { code: string }).code).to.equal('MLGATE_REQUEST_INVALID');
    });

    it('refuses JSON bodies larger than the read limit with 413', async () => {
      const big = { run_id: runId, params: [{ key: 'k', value: 'x'.repeat(17 * 1024 * 1024) }] };
      expectError(
        await call('POST', '/api/2.0/mlflow/runs/log-batch', { credentials: world.users.editor, body: big }),
        413,
        'MLGATE_BODY_TOO_LARGE',
      );
    });
  });

  describe('experiment creation', () => {
    it('gives the creator MANAGE and nobody else the grants an earlier experiment left on a reused id', async () => {
      // MLflow may hand out the id of an experiment deleted for good; a grant left on it must not carry over.
      const last = await createExperiment('before-reuse');
      const next = String(Number(last) + 1);
      await cli(['grant', '--experiment', next, '--user', 'outsider', '--permission', 'MANAGE']);
      const created = await createExperiment('reused-id', world.users.editor);
      expect(created).to.equal(next);
      expect(JSON.parse(await cli(['grants', '--experiment', created, '--json']))).to.deep.equal([
        { principal_type: 'user', principal: 'editor', permission: 'MANAGE' },
      ]);
      expectError(
        await call('GET', `/api/2.0/mlflow/experiments/get?experiment_id=${created}`, {
          credentials: world.users.outsider,
        }),
        403,
        'MLGATE_PERMISSION_DENIED',
      );
    });
  });

  describe('run search', () => {
    it('leaves out the experiments the caller may not read, as MLflow does, or refuses them when configured', async () => {
      const other = await createExperiment('search-runs-other');
      const otherRun = await createRun(other);
      const narrowed = await call('POST', '/api/2.0/mlflow/runs/search', {
        credentials: world.users.reader,
        body: { experiment_ids: [world.sharedExperimentId, other] },
      });
      expect(narrowed.status).to.equal(200);
      const runs = narrowed.body['runs'] as { info: { run_id: string; experiment_id: string } }[];
      expect(runs.length).to.be.greaterThan(0);
      expect(runs.every((run) => run.info.experiment_id === world.sharedExperimentId)).to.equal(true);
      expect(runs.map((run) => run.info.run_id)).to.not.include(otherRun);
      const nothing = await call('POST', '/api/2.0/mlflow/runs/search', {
        credentials: world.users.reader,
        body: { experiment_ids: [other] },
      });
      expect(nothing).to.deep.include({ status: 200, body: {} });

      const strict = await startExtraGateway('search-refuse', {
        MLGATE_PERMISSIONS_UNREADABLE_SEARCH_TARGETS: 'refuse',
      });
      expectError(
        await call('POST', '/api/2.0/mlflow/runs/search', {
          credentials: world.users.reader,
          body: { experiment_ids: [world.sharedExperimentId, other] },
          baseUrl: strict.url,
        }),
        403,
        'MLGATE_PERMISSION_DENIED',
      );
      const allowed = await call('POST', '/api/2.0/mlflow/runs/search', {
        credentials: world.users.reader,
        body: { experiment_ids: [world.sharedExperimentId] },
      });
      expect(allowed.status).to.equal(200);
      expect((allowed.body['runs'] as unknown[]).length).to.be.greaterThan(0);
      const empty = await call('POST', '/api/2.0/mlflow/runs/search', {
        credentials: world.users.outsider,
        body: { experiment_ids: [] },
      });
      expect(empty.status).to.equal(200);
      expect(empty.body['runs']).to.equal(undefined);
    });
  });

  describe('experiment search', () => {
    let pager: Credentials;
    const names = Array.from({ length: 9 }, (_, i) => `page-${i}`);
    const readable = ['page-1', 'page-4', 'page-5', 'page-8'];

    before(async () => {
      pager = await newUser('pager', ['pagers']);
      for (const name of names) {
        const id = await createExperiment(name);
        if (readable.includes(name)) {
          await cli([
            'grant',
            '--experiment',
            id,
            ...(name === 'page-5' ? ['--group', 'pagers'] : ['--user', 'pager']),
            '--permission',
            'READ',
          ]);
        }
      }
    });

    async function pageThrough(
      method: 'GET' | 'POST',
      maxResults: number,
    ): Promise<{ names: string[]; sizes: number[] }> {
      const seen: string[] = [];
      const sizes: number[] = [];
      let token: string | undefined;
      for (let i = 0; i < 50; i++) {
        const request = {
          max_results: maxResults,
          order_by: ['name ASC'],
          filter: "name LIKE 'page-%'",
          ...(token ? { page_token: token } : {}),
        };
        const answer =
          method === 'POST'
            ? await call('POST', '/api/2.0/mlflow/experiments/search', { credentials: pager, body: request })
            : await call(
                'GET',
                `/api/2.0/mlflow/experiments/search?${new URLSearchParams({
                  max_results: String(maxResults),
                  order_by: 'name ASC',
                  filter: "name LIKE 'page-%'",
                  ...(token ? { page_token: token } : {}),
                }).toString()}`,
                { credentials: pager },
              );
        expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
        const experiments = (answer.body['experiments'] as { name: string }[] | undefined) ?? [];
        sizes.push(experiments.length);
        seen.push(...experiments.map((e) => e.name));
        token = answer.body['next_page_token'] as string | undefined;
        if (token === undefined) break;
      }
      return { names: seen, sizes };
    }

    for (const method of ['POST', 'GET'] as const) {
      for (const size of [1, 2, 3, 10]) {
        it(`returns exactly the readable experiments across pages (${method}, max_results=${size})`, async () => {
          const { names: seen, sizes } = await pageThrough(method, size);
          expect(seen).to.deep.equal(readable);
          expect(sizes.every((s) => s <= size)).to.be.true;
        });
      }
    }

    it('accepts view_type as a name or a number, like MLflow', async () => {
      for (const view_type of ['ALL', 3]) {
        const answer = await call('POST', '/api/2.0/mlflow/experiments/search', {
          credentials: pager,
          body: { view_type, filter: "name LIKE 'page-%'", max_results: 100 },
        });
        expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
        expect((answer.body['experiments'] as unknown[]).length).to.equal(readable.length);
      }
    });

    it('shows administrators every experiment', async () => {
      const answer = await call('POST', '/api/2.0/mlflow/experiments/search', {
        credentials: world.users.admin,
        body: { filter: "name LIKE 'page-%'", max_results: 100 },
      });
      expect((answer.body['experiments'] as unknown[]).length).to.equal(names.length);
    });

    it("relays MLflow's own error for a bad search", async () => {
      const answer = await call('POST', '/api/2.0/mlflow/experiments/search', {
        credentials: pager,
        body: { filter: 'this is not a filter' },
      });
      expect(answer.status).to.equal(400);
      expect(answer.body['error_code']).to.equal('INVALID_PARAMETER_VALUE');
    });

    it('refuses an anonymous search', async () => {
      expectError(await call('POST', '/api/2.0/mlflow/experiments/search', { body: {} }), 401, 'MLGATE_AUTH_REQUIRED');
    });
  });
});
