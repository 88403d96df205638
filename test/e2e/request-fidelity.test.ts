/**
 * What MLflow acts on is what the gateway checked: query strings and bodies are read as MLflow reads them or
 * refused, bodies are bounded and replayed with their length, headers WSGI would read under another name are
 * dropped, a run's author is the caller, and a non-administrator cannot point an experiment's artifacts at
 * someone else's. Against the real MLflow server.
 */
import http from 'node:http';
import net from 'node:net';

import { expect } from 'chai';

import { runClient } from './python.js';
import { recordingUpstream } from './recording-upstream.js';
import { type Credentials, basic, startExtraGateway, world } from './world.js';

interface RawAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** A request written by hand: chunked when `chunks` is given (no Content-Length), with any headers. */
function raw(
  method: string,
  path: string,
  options: {
    credentials?: Credentials;
    headers?: Record<string, string>;
    body?: Buffer;
    chunks?: readonly Buffer[];
    baseUrl?: string;
  },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (options.credentials !== undefined) headers['authorization'] = basic(options.credentials);
    if (options.body !== undefined) headers['content-length'] = String(options.body.length);
    if (options.chunks !== undefined) headers['transfer-encoding'] = 'chunked';
    const request = http.request(`${options.baseUrl ?? world.gateway.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
        });
      });
    });
    // The gateway may answer (413) and close before the whole body is written.
    request.on('error', reject);
    for (const chunk of options.chunks ?? []) request.write(chunk);
    request.end(options.body);
  });
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

async function createExperiment(as: Credentials, name: string, extra: object = {}): Promise<RawAnswer> {
  return raw('POST', '/api/2.0/mlflow/experiments/create', { credentials: as, body: json({ name, ...extra }) });
}

async function getRun(runId: string): Promise<{ user_id: string; tags: Record<string, string> }> {
  const answer = await raw('GET', `/api/2.0/mlflow/runs/get?run_id=${runId}`, { credentials: world.users.admin });
  const run = answer.body['run'] as {
    info: { user_id: string };
    data: { tags?: { key: string; value: string }[] };
  };
  return {
    user_id: run.info.user_id,
    tags: Object.fromEntries((run.data.tags ?? []).map((tag) => [tag.key, tag.value])),
  };
}

describe('request fidelity: MLflow acts on what the gateway checked', () => {
  let runId: string;

  before(async () => {
    const created = await raw('POST', '/api/2.0/mlflow/runs/create', {
      credentials: world.users.editor,
      body: json({ experiment_id: world.sharedExperimentId }),
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(200);
    runId = (created.body['run'] as { info: { run_id: string } }).info.run_id;
  });

  describe('percent-escapes that are not UTF-8', () => {
    it("refuses them instead of reading another team's experiment name", async () => {
      // Another team's experiment, and one the caller owns whose name is what URLSearchParams would decode to.
      expect((await createExperiment(world.users.admin, '50%AB test')).status).to.equal(200);
      const own = await createExperiment(world.users.editor, '50\ufffd test');
      expect(own.status).to.equal(200);
      const answer = await raw('GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=50%AB%20test', {
        credentials: world.users.editor,
      });
      expect(answer.status).to.equal(400);
      expect(answer.body['code']).to.equal('MLGATE_REQUEST_INVALID');
      expect(answer.body['message']).to.include('not valid UTF-8');
      expect(JSON.stringify(answer.body)).to.not.include('experiment_id');
      // The caller's own experiment is still reachable by its real name.
      const mine = await raw('GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=50%EF%BF%BD%20test', {
        credentials: world.users.editor,
      });
      expect(mine.status).to.equal(200);
      expect((mine.body['experiment'] as { name: string }).name).to.equal('50\ufffd test');
    });
  });

  describe('request bodies', () => {
    it('refuses a body over the limit on a route that names no resource, and MLflow never sees it', async () => {
      const gateway = await startExtraGateway('small-bodies', { MLGATE_SERVER_MAX_JSON_BODY_BYTES: '65536' });
      const name = 'too-large-' + Date.now();
      const padding = 'x'.repeat(256 * 1024);
      const declared = await raw('POST', '/api/2.0/mlflow/experiments/create', {
        credentials: world.users.editor,
        body: json({ name, tags: [{ key: 'pad', value: padding }] }),
        baseUrl: gateway.url,
      });
      expect(declared.status).to.equal(413);
      expect(declared.body['code']).to.equal('MLGATE_BODY_TOO_LARGE');
      const chunked = await raw('POST', '/api/2.0/mlflow/experiments/create', {
        credentials: world.users.editor,
        chunks: [json({ name, tags: [{ key: 'pad', value: padding }] })],
        baseUrl: gateway.url,
      });
      expect(chunked.status).to.equal(413);
      const lookup = await raw('GET', `/api/2.0/mlflow/experiments/get-by-name?experiment_name=${name}`, {
        credentials: world.users.admin,
      });
      expect(lookup.status, 'the experiment was never created').to.equal(404);
    });

    it('replays a chunked body to MLflow with its length, so MLflow acts on the run that was checked', async () => {
      const body = json({ run_id: runId, key: 'chunked', value: 'delivered' });
      const answer = await raw('POST', '/api/2.0/mlflow/runs/set-tag', {
        credentials: world.users.editor,
        chunks: [body.subarray(0, 10), body.subarray(10)],
      });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect((await getRun(runId)).tags['chunked']).to.equal('delivered');
    });

    it('refuses a JSON body that is not valid UTF-8', async () => {
      const body = Buffer.concat([
        Buffer.from(`{"run_id": "${runId}", "key": "bad`),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('", "value": "x"}'),
      ]);
      const answer = await raw('POST', '/api/2.0/mlflow/runs/set-tag', { credentials: world.users.editor, body });
      expect(answer.status).to.equal(400);
      expect(answer.body['message']).to.include('not valid UTF-8');
    });
  });

  describe('header names with underscores', () => {
    it('are not passed to MLflow, which would read them as the dashed names', async () => {
      const upstream = await recordingUpstream();
      try {
        const gateway = await startExtraGateway('underscores', { MLGATE_UPSTREAM_URL: upstream.url });
        const answer = await raw('POST', '/api/2.0/mlflow/runs/log-parameter', {
          credentials: world.users.editor,
          headers: {
            'X-MLflow_Workspace': 'other-team',
            Remote_User: 'admin',
            'X-Forwarded_User': 'admin',
            X_Mlgate_Request_Id: 'forged',
          },
          body: json({ run_id: '0123456789abcdef0123456789abcdef', key: 'k', value: 'v' }),
          baseUrl: gateway.url,
        });
        expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
        const forwarded = upstream.requests.find((r) => r.url === '/api/2.0/mlflow/runs/log-parameter');
        expect(forwarded, 'the request reached the upstream').to.not.equal(undefined);
        expect(Object.keys(forwarded?.headers ?? {}).filter((name) => name.includes('_'))).to.deep.equal([]);
      } finally {
        await upstream.close();
      }
    });
  });

  describe('hop-by-hop headers', () => {
    /** One request written on a raw socket (Node's client refuses a Trailer header on a body with a length). */
    const rawStatus = (lines: string[], body = ''): Promise<number> =>
      new Promise((resolve, reject) => {
        const { port } = new URL(world.gateway.url);
        const socket = net.connect(Number(port), '127.0.0.1', () => {
          socket.write(
            [...lines, `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close', '', body].join('\r\n'),
          );
        });
        let answer = '';
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
        socket.on('error', reject);
        socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
      });

    it('are not passed on: a Trailer header no longer takes the gateway down', async () => {
      expect(await rawStatus(['GET /health HTTP/1.1', 'Host: x', 'Trailer: x'])).to.equal(200);
      const body = JSON.stringify({ run_id: runId, key: 'hop', value: 'v' });
      const authorization = basic(world.users.editor);
      expect(
        await rawStatus(
          [
            'POST /api/2.0/mlflow/runs/set-tag HTTP/1.1',
            'Host: x',
            `Authorization: ${authorization}`,
            'Content-Type: application/json',
            'Trailer: x',
            'TE: trailers',
          ],
          body,
        ),
      ).to.equal(200);
      // Still alive, and the tag was set.
      expect((await getRun(runId)).tags['hop']).to.equal('v');
    });
  });

  describe("a run's author", () => {
    it('is the authenticated caller, whatever the MLflow client filled in from the OS account', async () => {
      const results = await runClient(
        world.users.editor,
        `
import os
os.environ["USER"] = os.environ["LOGNAME"] = os.environ["USERNAME"] = "bob"
mlflow.set_experiment("shared")
with mlflow.start_run(tags={"mlflow.user": "bob"}) as run:
    mlflow.log_param("p", "1")
info = MlflowClient().get_run(run.info.run_id)
results["author"] = {"ok": True, "value": [info.info.user_id, info.data.tags.get("mlflow.user")]}
`,
      );
      expect(results['author']?.value).to.deep.equal(['editor', 'editor']);
    });

    it('is stamped on a CreateRun sent by hand, and cannot be changed afterwards', async () => {
      const created = await raw('POST', '/api/2.0/mlflow/runs/create', {
        credentials: world.users.editor,
        body: json({
          experiment_id: world.sharedExperimentId,
          user_id: 'bob',
          tags: [
            { key: 'mlflow.user', value: 'bob' },
            { key: 'team', value: 'x' },
          ],
        }),
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(200);
      const id = (created.body['run'] as { info: { run_id: string } }).info.run_id;
      const run = await getRun(id);
      expect(run.user_id).to.equal('editor');
      expect(run.tags).to.deep.include({ 'mlflow.user': 'editor', team: 'x' });

      const setTag = await raw('POST', '/api/2.0/mlflow/runs/set-tag', {
        credentials: world.users.editor,
        body: json({ run_id: id, key: 'mlflow.user', value: 'bob' }),
      });
      expect(setTag.status).to.equal(400);
      const batch = await raw('POST', '/api/2.0/mlflow/runs/log-batch', {
        credentials: world.users.editor,
        body: json({ run_id: id, tags: [{ key: 'mlflow.user', value: 'bob' }] }),
      });
      expect(batch.status).to.equal(400);
      // A top-level "key" MLflow ignores must not hide the tags from the check.
      const keyed = await raw('POST', '/api/2.0/mlflow/runs/log-batch', {
        credentials: world.users.editor,
        body: json({ run_id: id, key: null, tags: [{ key: 'mlflow.user', value: 'admin' }] }),
      });
      expect(keyed.status).to.equal(400);
      const spelled = await raw('POST', '/api/2.0/mlflow/runs/set-tag', {
        credentials: world.users.editor,
        body: json({ run_id: id, key: 'MLflow.User', value: 'admin' }),
      });
      expect(spelled.status).to.equal(400);
      expect((await getRun(id)).tags['mlflow.user']).to.equal('editor');
    });
  });

  describe('where an experiment keeps its artifacts', () => {
    it("is refused to a non-administrator who points it at another experiment's artifacts or anywhere else", async () => {
      for (const location of ['mlflow-artifacts:/' + world.sharedExperimentId, '/etc', 'file:///tmp']) {
        const answer = await createExperiment(world.users.editor, 'located-' + Date.now(), {
          artifact_location: location,
        });
        expect(answer.status, location).to.equal(403);
        expect(answer.body['details']).to.deep.include({ reasons: ['artifact-location-not-allowed'] });
        expect(answer.body['message']).to.include('artifacts.allowed_roots');
      }
    });

    it('is allowed under a configured root, and to administrators anywhere', async () => {
      const gateway = await startExtraGateway('artifact-roots', {
        MLGATE_ARTIFACTS_ALLOWED_ROOTS: '/srv/mlflow/teams',
      });
      const ok = await raw('POST', '/api/2.0/mlflow/experiments/create', {
        credentials: world.users.editor,
        body: json({ name: 'rooted-' + Date.now(), artifact_location: '/srv/mlflow/teams/a' }),
        baseUrl: gateway.url,
      });
      expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
      const sibling = await raw('POST', '/api/2.0/mlflow/experiments/create', {
        credentials: world.users.editor,
        body: json({ name: 'sibling-' + Date.now(), artifact_location: '/srv/mlflow/teams-b' }),
        baseUrl: gateway.url,
      });
      expect(sibling.status).to.equal(403);
      const escaping = await raw('POST', '/api/2.0/mlflow/experiments/create', {
        credentials: world.users.editor,
        body: json({ name: 'escaping-' + Date.now(), artifact_location: '/srv/mlflow/teams/../../etc' }),
        baseUrl: gateway.url,
      });
      expect(escaping.status).to.equal(403);
      const admin = await createExperiment(world.users.admin, 'admin-located-' + Date.now(), {
        artifact_location: '/tmp/mlgate-admin-artifacts',
      });
      expect(admin.status).to.equal(200);
    });
  });
});
