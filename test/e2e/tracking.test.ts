/**
 * Traces, evaluation datasets, dataset inputs and bulk metric histories for non-administrators: the real MLflow
 * Python client through mlgate (as EDIT, READ, no grant and admin), and the HTTP requests that must be refused.
 */
import { randomBytes } from 'node:crypto';

import { expect } from 'chai';

import { runClient } from './python.js';
import { type Credentials, basic, cli, world } from './world.js';

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function call(
  as: Credentials,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(world.gateway.url + path, {
    method,
    headers: {
      authorization: basic(as),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: response.status, body: parsed };
}

async function createExperiment(name: string): Promise<string> {
  const answer = await call(world.users.admin, 'POST', '/api/2.0/mlflow/experiments/create', { name });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
  return answer.body['experiment_id'] as string;
}

/** An OTLP JSON export of one root span per trace id (hex, without "tr-"). */
function otlpJson(traceHexIds: readonly string[]): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [] },
        scopeSpans: [
          {
            scope: { name: 'e2e' },
            spans: traceHexIds.map((traceId) => ({
              traceId,
              spanId: randomBytes(8).toString('hex'),
              name: 'otlp-span',
              kind: 1,
              startTimeUnixNano: String(now),
              endTimeUnixNano: String(now + 1000n),
              status: { code: 1 },
            })),
          },
        ],
      },
    ],
  });
}

describe('traces, evaluation datasets and bulk metrics through mlgate', function () {
  this.timeout(180_000);
  let shared: string; // editor EDIT, reader READ
  let hidden: string; // administrators only
  let editorTrace: string;
  let hiddenTrace: string;
  let editorRun: string;
  let hiddenRun: string;
  let datasetId: string;

  before(async () => {
    shared = await createExperiment('tracking-shared');
    hidden = await createExperiment('tracking-hidden');
    await cli(['grant', '--experiment', shared, '--user', 'editor', '--permission', 'EDIT']);
    await cli(['grant', '--experiment', shared, '--user', 'reader', '--permission', 'READ']);
    const admin = await runClient(
      world.users.admin,
      `
mlflow.set_experiment(experiment_id="${hidden}")
@mlflow.trace
def secret(x):
    return x * 2
secret(21)
mlflow.flush_trace_async_logging()
results["trace"] = {"ok": True, "value": mlflow.get_last_active_trace_id()}
with mlflow.start_run() as run:
    mlflow.log_metric("loss", 0.5)
results["run"] = {"ok": True, "value": run.info.run_id}
`,
    );
    hiddenTrace = admin['trace']?.value as string;
    hiddenRun = admin['run']?.value as string;
    expect(hiddenTrace).to.match(/^tr-[0-9a-f]{32}$/);
  });

  it('lets a user with EDIT trace a function, find it with search_traces, read it, log a dataset input and use an evaluation dataset', async () => {
    const results = await runClient(
      world.users.editor,
      `
import pandas as pd
from mlflow.genai.datasets import create_dataset, get_dataset
mlflow.set_experiment(experiment_id="${shared}")

@mlflow.trace
def add(a, b):
    return a + b

add(1, 2)
mlflow.flush_trace_async_logging()
trace_id = mlflow.get_last_active_trace_id()
results["trace_id"] = {"ok": True, "value": trace_id}
results["search"] = attempt(lambda: [t.info.trace_id for t in mlflow.search_traces(experiment_ids=["${shared}"], return_type="list")])
results["get"] = attempt(lambda: [s.name for s in mlflow.get_trace(trace_id).data.spans])
results["tag"] = attempt(lambda: MlflowClient().set_trace_tag(trace_id, "reviewed", "yes"))

with mlflow.start_run() as run:
    mlflow.log_metric("loss", 0.25)
    mlflow.log_input(mlflow.data.from_pandas(pd.DataFrame({"x": [1, 2], "y": [3, 4]}), name="train"), context="training")
results["run_id"] = {"ok": True, "value": run.info.run_id}
results["inputs"] = attempt(lambda: [d.dataset.name for d in MlflowClient().get_run(run.info.run_id).inputs.dataset_inputs])

def use_dataset():
    ds = create_dataset(name="tracking-eval", experiment_id="${shared}")
    ds.merge_records([{"inputs": {"question": "1+1?"}, "expectations": {"answer": "2"}}])
    got = get_dataset(dataset_id=ds.dataset_id)
    return {"id": ds.dataset_id, "records": len(got.to_df()), "experiments": list(got.experiment_ids)}
results["dataset"] = attempt(use_dataset)
`,
    );
    editorTrace = results['trace_id']?.value as string;
    editorRun = results['run_id']?.value as string;
    expect(editorTrace).to.match(/^tr-[0-9a-f]{32}$/);
    expect(results['search'], JSON.stringify(results['search'])).to.deep.equal({ ok: true, value: [editorTrace] });
    expect(results['get']).to.deep.equal({ ok: true, value: ['add'] });
    expect(results['tag']?.ok, JSON.stringify(results['tag'])).to.equal(true);
    expect(results['inputs']).to.deep.equal({ ok: true, value: ['train'] });
    const dataset = results['dataset'];
    expect(dataset?.ok, JSON.stringify(dataset)).to.equal(true);
    const value = dataset?.value as { id: string; records: number; experiments: string[] };
    expect(value.records).to.equal(1);
    expect(value.experiments).to.deep.equal([shared]);
    datasetId = value.id;
  });

  it("stores a traced function's data in its trace's artifacts folder, readable by whoever may read the trace", async () => {
    // The client uploads traces.json to <experiment>/traces/<trace_id>/artifacts/ of the proxied artifact store.
    const file = `/api/2.0/mlflow-artifacts/artifacts/${shared}/traces/${editorTrace}/artifacts/traces.json`;
    const get = (as: Credentials) => fetch(world.gateway.url + file, { headers: { authorization: basic(as) } });
    let byEditor = await get(world.users.editor);
    if (byEditor.status === 404) {
      // The client skips traces.json when MLflow says the spans are in the tracking store, which happens when its
      // asynchronous span export reached MLflow before the trace's start (a race in the client): the editor then
      // writes the file itself, through the same route and check.
      const write = await fetch(world.gateway.url + file, {
        method: 'PUT',
        headers: { authorization: basic(world.users.editor) },
        body: '{"spans": [{"name": "add"}]}',
      });
      expect(write.status, 'EDIT may write into the trace artifacts').to.equal(200);
      byEditor = await get(world.users.editor);
    }
    expect(byEditor.status, 'written as EDIT, read back').to.equal(200);
    expect(await byEditor.text()).to.include('"add"');
    expect((await get(world.users.reader)).status).to.equal(200);
    expect((await get(world.users.outsider)).status).to.equal(403);
    const put = await fetch(world.gateway.url + file, {
      method: 'PUT',
      headers: { authorization: basic(world.users.reader) },
      body: '{}',
    });
    expect(put.status, 'READ may not overwrite it').to.equal(403);
  });

  it('lets a user with READ read traces and datasets, and refuses every write', async () => {
    const results = await runClient(
      world.users.reader,
      `
from mlflow.genai.datasets import create_dataset, get_dataset
results["search"] = attempt(lambda: [t.info.trace_id for t in mlflow.search_traces(experiment_ids=["${shared}"], return_type="list")])
results["get"] = attempt(lambda: mlflow.get_trace("${editorTrace}").info.tags.get("reviewed"))
results["dataset"] = attempt(lambda: len(get_dataset(dataset_id="${datasetId}").to_df()))
results["tag"] = attempt(lambda: MlflowClient().set_trace_tag("${editorTrace}", "x", "y"))
results["delete_tag"] = attempt(lambda: MlflowClient().delete_trace_tag("${editorTrace}", "reviewed"))
results["create_dataset"] = attempt(lambda: create_dataset(name="reader-eval", experiment_id="${shared}").dataset_id)
results["merge"] = attempt(lambda: get_dataset(dataset_id="${datasetId}").merge_records([{"inputs": {"q": "x"}}]))
results["delete_traces"] = attempt(lambda: MlflowClient().delete_traces("${shared}", trace_ids=["${editorTrace}"]))
mlflow.set_experiment(experiment_id="${shared}")
@mlflow.trace
def intruder():
    return 1
intruder()
mlflow.flush_trace_async_logging()
results["traced"] = attempt(lambda: [t.info.trace_id for t in mlflow.search_traces(experiment_ids=["${shared}"], return_type="list")])
`,
    );
    expect(results['search']).to.deep.equal({ ok: true, value: [editorTrace] });
    expect(results['get']).to.deep.equal({ ok: true, value: 'yes' });
    expect(results['dataset']).to.deep.equal({ ok: true, value: 1 });
    for (const write of ['tag', 'delete_tag', 'create_dataset', 'merge', 'delete_traces']) {
      expect(results[write], write).to.include({ ok: false, error_code: 'PERMISSION_DENIED', status: 403 });
    }
    expect(results['tag']?.message).to.include(`SetTraceTag needs EDIT on the experiment of trace ${editorTrace}`);
    // The reader's own trace was refused on its way in: the experiment still holds the editor's only.
    expect(results['traced']).to.deep.equal({ ok: true, value: [editorTrace] });
  });

  it('refuses a user without any grant', async () => {
    const results = await runClient(
      world.users.outsider,
      `
from mlflow.genai.datasets import get_dataset
results["search"] = attempt(lambda: [t.info.trace_id for t in mlflow.search_traces(experiment_ids=["${shared}"], return_type="list")])
results["get"] = attempt(lambda: MlflowClient().get_trace("${editorTrace}").info.trace_id)
results["dataset"] = attempt(lambda: get_dataset(dataset_id="${datasetId}").name)
`,
    );
    for (const read of ['get', 'dataset']) {
      expect(results[read], read).to.include({ ok: false, error_code: 'PERMISSION_DENIED', status: 403 });
    }
    // A search leaves out the experiments the caller may not read: nothing here.
    expect(results['search']).to.deep.equal({ ok: true, value: [] });
  });

  it('lets an administrator do all of it, in any experiment', async () => {
    const results = await runClient(
      world.users.admin,
      `
from mlflow.genai.datasets import get_dataset
results["search"] = attempt(lambda: sorted(t.info.trace_id for t in mlflow.search_traces(experiment_ids=["${shared}", "${hidden}"], return_type="list")))
results["get"] = attempt(lambda: mlflow.get_trace("${hiddenTrace}").info.trace_id)
results["dataset"] = attempt(lambda: get_dataset(dataset_id="${datasetId}").name)
results["tag"] = attempt(lambda: MlflowClient().set_trace_tag("${editorTrace}", "admin", "yes"))
`,
    );
    expect(results['search']).to.deep.equal({ ok: true, value: [editorTrace, hiddenTrace].sort() });
    expect(results['get']).to.deep.equal({ ok: true, value: hiddenTrace });
    expect(results['dataset']).to.deep.equal({ ok: true, value: 'tracking-eval' });
    expect(results['tag']?.ok).to.equal(true);
  });

  describe('refused over HTTP', () => {
    const editor = () => world.users.editor;

    it("refuses another experiment's trace by id, v2 and v3, and its span data", async () => {
      for (const path of [
        `/api/2.0/mlflow/traces/${hiddenTrace}/info`,
        `/api/3.0/mlflow/traces/${hiddenTrace}`,
        `/api/3.0/mlflow/traces/get?trace_id=${hiddenTrace}`,
        `/ajax-api/3.0/mlflow/get-trace-artifact?request_id=${hiddenTrace}`,
        `/api/3.0/mlflow/traces/batchGet?trace_ids=${editorTrace}&trace_ids=${hiddenTrace}`,
      ]) {
        const answer = await call(editor(), 'GET', path);
        expect(answer.status, path).to.equal(403);
        expect(answer.body['message'], path).to.include(`the experiment of trace ${hiddenTrace}`);
      }
      const own = await call(editor(), 'GET', `/api/3.0/mlflow/traces/${editorTrace}`);
      expect(own.status).to.equal(200);
      const patched = await call(editor(), 'PATCH', `/api/2.0/mlflow/traces/${hiddenTrace}/tags`, {
        key: 'k',
        value: 'v',
      });
      expect(patched.status).to.equal(403);
    });

    it('leaves unreadable experiments out of a trace search, v3 and v2', async () => {
      const v3 = await call(editor(), 'POST', '/api/3.0/mlflow/traces/search', {
        locations: [
          { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: shared } },
          { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: hidden } },
        ],
      });
      expect(v3.status).to.equal(200);
      const found = JSON.stringify(v3.body);
      expect(found).to.include(editorTrace);
      expect(found).to.not.include(hiddenTrace);
      const onlyHidden = await call(editor(), 'POST', '/api/3.0/mlflow/traces/search', {
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: hidden } }],
      });
      expect(onlyHidden.status).to.equal(200);
      expect(onlyHidden.body).to.deep.equal({});
      const v2 = await call(
        editor(),
        'GET',
        `/api/2.0/mlflow/traces?experiment_ids=${shared}&experiment_ids=${hidden}`,
      );
      expect(v2.status).to.equal(200);
      expect(((v2.body['traces'] ?? []) as { request_id: string }[]).map((t) => t.request_id)).to.include(editorTrace);
      expect(JSON.stringify(v2.body)).to.not.include(hiddenTrace);
      const none = await call(editor(), 'POST', '/api/3.0/mlflow/traces/search', { locations: [] });
      expect(none.status).to.equal(403);
    });

    it('refuses StartTraceV3 that would move a trace out of an experiment the caller may not edit', async () => {
      const answer = await call(editor(), 'POST', '/api/3.0/mlflow/traces', {
        trace: {
          trace_info: {
            trace_id: hiddenTrace,
            trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: shared } },
            request_time: '2024-01-01T00:00:00Z',
            state: 'OK',
          },
        },
      });
      expect(answer.status).to.equal(403);
      expect(answer.body['message']).to.include(`the experiment of trace ${hiddenTrace}`);
      const still = await call(world.users.admin, 'GET', `/api/3.0/mlflow/traces/${hiddenTrace}`);
      const location = (
        still.body['trace'] as { trace_info: { trace_location: { mlflow_experiment: { experiment_id: string } } } }
      ).trace_info.trace_location.mlflow_experiment.experiment_id;
      expect(location).to.equal(hidden);
    });

    it("refuses OTLP spans for another experiment's trace, even with a header naming an experiment the caller may edit", async () => {
      const headers = { 'x-mlflow-experiment-id': shared };
      const intruding = await call(editor(), 'POST', '/v1/traces', otlpJson([hiddenTrace.slice(3)]), headers);
      expect(intruding.status).to.equal(403);
      expect(intruding.body['message']).to.include(`the experiment of trace ${hiddenTrace}`);
      const spans = await call(world.users.admin, 'GET', `/api/3.0/mlflow/traces/get?trace_id=${hiddenTrace}`);
      const names = ((spans.body['trace'] as { spans: { name: string }[] }).spans ?? []).map((s) => s.name);
      expect(names).to.not.include('otlp-span');

      const fresh = randomBytes(16).toString('hex');
      const allowed = await call(editor(), 'POST', '/v1/traces', otlpJson([fresh]), headers);
      expect(allowed.status, JSON.stringify(allowed.body)).to.equal(200);
      const created = await call(editor(), 'GET', `/api/3.0/mlflow/traces/tr-${fresh}`);
      expect(created.status).to.equal(200);

      const elsewhere = await call(editor(), 'POST', '/v1/traces', otlpJson([randomBytes(16).toString('hex')]), {
        'x-mlflow-experiment-id': hidden,
      });
      expect(elsewhere.status).to.equal(403);
      const foreignRun = await call(editor(), 'POST', '/v1/traces', otlpJson([randomBytes(16).toString('hex')]), {
        ...headers,
        'x-mlflow-run-id': hiddenRun,
      });
      expect(foreignRun.status).to.equal(403);
      const unparsable = await call(editor(), 'POST', '/v1/traces', '{"resource_spans": []}', headers);
      expect(unparsable.status).to.equal(400);
    });

    it('refuses a dataset linked to an experiment the caller cannot read, and linking one to it', async () => {
      const created = await call(world.users.admin, 'POST', '/api/3.0/mlflow/datasets/create', {
        name: 'tracking-mixed',
        experiment_ids: [shared, hidden],
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(200);
      const mixed = (created.body['dataset'] as { dataset_id: string }).dataset_id;
      for (const [method, path] of [
        ['GET', `/api/3.0/mlflow/datasets/${mixed}`],
        ['GET', `/api/3.0/mlflow/datasets/${mixed}/records`],
        ['GET', `/api/3.0/mlflow/datasets/${mixed}/experiment-ids`],
      ] as const) {
        const answer = await call(editor(), method, path);
        expect(answer.status, path).to.equal(403);
      }
      const link = await call(editor(), 'POST', `/api/3.0/mlflow/datasets/${datasetId}/add-experiments`, {
        experiment_ids: [hidden],
      });
      expect(link.status).to.equal(403);
      const create = await call(editor(), 'POST', '/api/3.0/mlflow/datasets/create', {
        name: 'editor-mixed',
        experiment_ids: [shared, hidden],
      });
      expect(create.status).to.equal(403);
      const unlinked = await call(editor(), 'POST', '/api/3.0/mlflow/datasets/create', { name: 'editor-unlinked' });
      expect(unlinked.status).to.equal(403);
      // A search of every dataset is filtered: the mixed one is not in it.
      const search = await call(editor(), 'POST', '/api/3.0/mlflow/datasets/search', {});
      expect(search.status).to.equal(200);
      const found = ((search.body['datasets'] ?? []) as { dataset_id: string }[]).map((d) => d.dataset_id);
      expect(found).to.include(datasetId);
      expect(found).to.not.include(mixed);
      const own = await call(editor(), 'GET', `/api/3.0/mlflow/datasets/${datasetId}`);
      expect(own.status).to.equal(200);
    });

    it('refuses a bulk metric history that mixes a readable and an unreadable run', async () => {
      const interval = (runs: string[]) =>
        `/api/2.0/mlflow/metrics/get-history-bulk-interval?metric_key=loss&${runs.map((r) => `run_ids=${r}`).join('&')}`;
      const bulk = (runs: string[]) =>
        `/ajax-api/2.0/mlflow/metrics/get-history-bulk?metric_key=loss&${runs.map((r) => `run_id=${r}`).join('&')}`;
      for (const path of [interval([editorRun, hiddenRun]), bulk([editorRun, hiddenRun])]) {
        const answer = await call(editor(), 'GET', path);
        expect(answer.status, path).to.equal(403);
        expect(answer.body['message']).to.include(`the experiment of run ${hiddenRun}`);
      }
      for (const path of [interval([editorRun]), bulk([editorRun])]) {
        const answer = await call(editor(), 'GET', path);
        expect(answer.status, path).to.equal(200);
        expect((answer.body['metrics'] as unknown[]).length, path).to.equal(1);
      }
    });
  });
});
