/**
 * The gateway's own look-ups against the real MLflow server, counted by a
 * recording proxy between a dedicated gateway and MLflow: a request naming
 * many missing resources costs a bounded number of look-ups, and ids that are
 * not well-formed strings are refused before any look-up.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { expect } from 'chai';

import { LOOKUP_CONCURRENCY } from '../../src/mlflow/resolve.js';
import type { Service } from '../../scripts/services.js';
import { runClient } from './python.js';
import { basic, startExtraGateway, world } from './world.js';

/** An HTTP proxy in front of MLflow that records the path of every request the gateway makes. */
interface Recorder {
  readonly url: string;
  readonly paths: string[];
  close(): Promise<void>;
}

async function startRecorder(target: string): Promise<Recorder> {
  const upstream = new URL(target);
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    const forwarded = http.request(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.once('error', () => res.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** Any method with a JSON body (fetch cannot send one with GET), as `text` so that lone surrogates stay escaped. */
function send(baseUrl: string, method: string, path: string, text: string, authorization: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${baseUrl}${path}`, {
      method,
      headers: { authorization, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
    });
    request.once('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: response.statusCode ?? 0,
          body: (raw === '' ? {} : JSON.parse(raw)) as Record<string, unknown>,
        });
      });
    });
    request.once('error', reject);
    request.end(text);
  });
}

describe('look-ups against MLflow', () => {
  let recorder: Recorder;
  let gateway: Service;
  let runId: string;
  const editor = () => basic(world.users.editor);
  const lookups = (kind: string) => recorder.paths.filter((path) => path.includes(kind)).length;

  before(async function () {
    this.timeout(120_000);
    recorder = await startRecorder(world.mlflow.url);
    // A long negative cache, so that the second request below falls within it however slow the machine is.
    gateway = await startExtraGateway('gateway-lookups', {
      MLGATE_UPSTREAM_URL: recorder.url,
      MLGATE_CACHE_MISSING_TTL_MS: '60000',
    });
    const created = await send(
      gateway.url,
      'POST',
      '/api/2.0/mlflow/runs/create',
      JSON.stringify({ experiment_id: world.sharedExperimentId }),
      editor(),
    );
    expect(created.status, JSON.stringify(created.body)).to.equal(200);
    runId = ((created.body['run'] as Record<string, unknown>)['info'] as Record<string, string>)['run_id'] as string;
  });

  after(async () => {
    await gateway.stop();
    await recorder.close();
  });

  const logBatch = (modelIds: readonly string[]): string =>
    JSON.stringify({
      run_id: runId,
      metrics: modelIds.map((model_id, i) => ({ key: 'm', value: i, timestamp: 1_700_000_000_000, step: i, model_id })),
    });

  it('refuses a LogBatch naming 999 missing logged models after a bounded number of look-ups', async () => {
    const single = await send(gateway.url, 'POST', '/api/2.0/mlflow/runs/log-batch', logBatch(['m-absent']), editor());
    expect(single.status, JSON.stringify(single.body)).to.equal(404);
    expect(single.body['code']).to.equal('MLGATE_RESOURCE_NOT_FOUND');
    expect(single.body['error_code']).to.equal('RESOURCE_DOES_NOT_EXIST');

    const missing = Array.from({ length: 999 }, (_, i) => `m-${i.toString(16).padStart(32, '0')}`);
    const before = lookups('/logged-models/');
    const answer = await send(gateway.url, 'POST', '/api/2.0/mlflow/runs/log-batch', logBatch(missing), editor());
    expect(answer.status, JSON.stringify(answer.body)).to.equal(404);
    expect(answer.body['code']).to.equal('MLGATE_RESOURCE_NOT_FOUND');
    expect(answer.body['message']).to.match(/logged model m-[0-9a-f]{32} does not exist/);
    const first = lookups('/logged-models/') - before;
    expect(first, 'logged-model look-ups of the first request')
      .to.be.at.least(1)
      .and.at.most(2 * LOOKUP_CONCURRENCY);

    const again = await send(gateway.url, 'POST', '/api/2.0/mlflow/runs/log-batch', logBatch(missing), editor());
    expect(again.status).to.equal(404);
    expect(lookups('/logged-models/') - before - first, 'look-ups of the same request within the TTL').to.equal(0);
  });

  it('refuses ids and names with a lone surrogate with 400, before any look-up', async () => {
    const before = recorder.paths.length;
    const attempts: [string, string, string][] = [
      ['POST', '/api/2.0/mlflow/runs/log-parameter', '{"run_id": "r-\\ud800", "key": "k", "value": "v"}'],
      [
        'POST',
        '/api/2.0/mlflow/runs/log-metric',
        `{"run_id": "${runId}", "key": "k", "value": 1, "timestamp": 1, "model_id": "m-\\ud800"}`,
      ],
      [
        'POST',
        '/api/2.0/mlflow/runs/log-batch',
        `{"run_id": "${runId}", "metrics": [{"key": "k", "value": 1, "timestamp": 1, "model_id": "m-\\udc00"}]}`,
      ],
      ['GET', '/api/2.0/mlflow/experiments/get-by-name', '{"experiment_name": "exp-\\ud800"}'],
    ];
    for (const [method, path, text] of attempts) {
      const answer = await send(gateway.url, method, path, text, editor());
      expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).to.equal(400);
      expect(answer.body['code']).to.equal('MLGATE_REQUEST_INVALID');
      expect(answer.body['message']).to.include('well-formed');
    }
    expect(recorder.paths.slice(before)).to.deep.equal([]);
  });

  it('finds an experiment name created meanwhile through another replica (names are never cached as missing)', async function () {
    this.timeout(60_000);
    const results = await runClient(
      world.users.editor,
      `
name = "created-elsewhere"
here = MlflowClient()
elsewhere = MlflowClient(tracking_uri="${world.gateway.url}")
results["before"] = attempt(lambda: here.get_experiment_by_name(name) is None)
results["created"] = attempt(lambda: elsewhere.create_experiment(name))
results["after"] = attempt(lambda: here.get_experiment_by_name(name).experiment_id)
mlflow.set_experiment("set-through-lookups-gateway")
results["set"] = attempt(lambda: mlflow.get_experiment_by_name("set-through-lookups-gateway").name)
`,
      gateway.url,
    );
    expect(results['before']).to.deep.equal({ ok: true, value: true });
    expect(results['created']?.ok, JSON.stringify(results['created'])).to.equal(true);
    expect(results['after']).to.deep.equal({ ok: true, value: results['created']?.value });
    expect(results['set']).to.deep.equal({ ok: true, value: 'set-through-lookups-gateway' });
  });
});
