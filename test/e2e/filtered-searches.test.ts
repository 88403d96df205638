/**
 * Trace and dataset searches are filtered for a non-administrator, not refused: the real MLflow Python client (and
 * the raw v2 and web UI routes it no longer calls) through mlgate, for a user with READ on experiment A and nothing
 * on B. An evaluation dataset is shown only when every experiment it is linked to is readable, across pages.
 */
import { randomBytes } from 'node:crypto';

import { expect } from 'chai';

import { runClient } from './python.js';
import { type Credentials, basic, cli, world } from './world.js';

async function call(as: Credentials, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(world.gateway.url + path, {
    method,
    headers: {
      authorization: basic(as),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  expect(response.status, `${method} ${path}: ${text}`).to.equal(200);
  return JSON.parse(text) as Record<string, unknown>;
}

describe('filtered trace and dataset searches through mlgate', function () {
  this.timeout(240_000);
  const suffix = randomBytes(4).toString('hex');
  const names = { a1: `fa1-${suffix}`, a2: `fa2-${suffix}`, ab: `fab-${suffix}`, b: `fb-${suffix}` };
  let searcher: Credentials;
  let a: string;
  let b: string;
  let traceA: string;
  let traceB: string;

  before(async () => {
    const created = async (name: string) =>
      (await call(world.users.admin, 'POST', '/api/2.0/mlflow/experiments/create', { name }))[
        'experiment_id'
      ] as string;
    a = await created(`filtered-a-${suffix}`);
    b = await created(`filtered-b-${suffix}`);
    await cli(['user', 'create', `searcher-${suffix}`]);
    searcher = { username: `searcher-${suffix}`, token: await cli(['token', 'create', `searcher-${suffix}`]) };
    await cli(['grant', '--experiment', a, '--user', searcher.username, '--permission', 'READ']);
    const setup = await runClient(
      world.users.admin,
      `
import pandas as pd
from mlflow.genai.datasets import create_dataset
made = {}
for key, name, experiments in [("a1", "${names.a1}", ["${a}"]), ("ab", "${names.ab}", ["${a}", "${b}"]),
                               ("b", "${names.b}", ["${b}"]), ("a2", "${names.a2}", ["${a}"])]:
    made[key] = create_dataset(name=name, experiment_id=experiments).dataset_id
results["datasets"] = {"ok": True, "value": made}
traces = {}
for key, experiment in [("a", "${a}"), ("b", "${b}")]:
    mlflow.set_experiment(experiment_id=experiment)
    @mlflow.trace(name="filtered-" + key)
    def traced(x):
        return x
    traced(1)
    mlflow.flush_trace_async_logging()
    traces[key] = mlflow.get_last_active_trace_id()
    with mlflow.start_run():
        mlflow.log_input(mlflow.data.from_pandas(pd.DataFrame({"x": [1]}), name="input-" + key), context="training")
results["traces"] = {"ok": True, "value": traces}
`,
    );
    const traces = setup['traces']?.value as { a: string; b: string };
    traceA = traces.a;
    traceB = traces.b;
    expect(traceA).to.match(/^tr-/);
  });

  it('the Python client finds only datasets whose every linked experiment is readable, over A and B, over all, and page by page', async () => {
    const results = await runClient(
      searcher,
      `
from mlflow.genai.datasets import search_datasets, get_dataset
mine = lambda found: sorted(d.name for d in found if d.name.endswith("-${suffix}"))
results["over_ab"] = attempt(lambda: mine(search_datasets(experiment_ids=["${a}", "${b}"])))
results["over_all"] = attempt(lambda: mine(search_datasets()))
results["only_b"] = attempt(lambda: mine(search_datasets(experiment_ids=["${b}"])))
def pages(experiment_ids):
    seen, sizes, token = [], [], None
    while True:
        page = MlflowClient().search_datasets(experiment_ids=experiment_ids, max_results=1, page_token=token)
        sizes.append(len(page))
        seen.extend(page)
        token = page.token
        if not token:
            return {"names": mine(seen), "sizes": sorted(set(sizes)), "pages": len(sizes)}
results["pages_ab"] = attempt(lambda: pages(["${a}", "${b}"]))
results["pages_all"] = attempt(lambda: pages(None))
results["get_a1"] = attempt(lambda: get_dataset(name="${names.a1}").name)
results["get_ab"] = attempt(lambda: get_dataset(name="${names.ab}").name)
results["get_b"] = attempt(lambda: get_dataset(name="${names.b}").name)
results["traces_v3"] = attempt(lambda: sorted(t.info.trace_id for t in mlflow.search_traces(experiment_ids=["${a}", "${b}"], return_type="list")))
`,
    );
    const readable = [names.a1, names.a2].sort();
    expect(results['over_ab'], JSON.stringify(results['over_ab'])).to.deep.equal({ ok: true, value: readable });
    expect(results['over_all']).to.deep.equal({ ok: true, value: readable });
    expect(results['only_b']).to.deep.equal({ ok: true, value: [] });
    // Every page holds one row, none hidden; the last one has no token (over A and B, exactly two pages).
    expect(results['pages_ab']).to.deep.equal({ ok: true, value: { names: readable, sizes: [1], pages: 2 } });
    const all = results['pages_all']?.value as { names: string[]; sizes: number[] };
    expect(all.names).to.deep.equal(readable);
    expect(all.sizes).to.deep.equal([1]);
    expect(results['get_a1']).to.deep.equal({ ok: true, value: names.a1 });
    for (const hidden of ['get_ab', 'get_b']) {
      expect(results[hidden], hidden).to.include({ ok: false, error_code: 'RESOURCE_DOES_NOT_EXIST' });
      expect(results[hidden]?.message, hidden).to.include('not found');
    }
    expect(results['traces_v3']).to.deep.equal({ ok: true, value: [traceA] });
  });

  it('the v2 trace search and the web UI dataset summaries leave B out', async () => {
    const v2 = await call(searcher, 'GET', `/api/2.0/mlflow/traces?experiment_ids=${a}&experiment_ids=${b}`);
    const ids = ((v2['traces'] ?? []) as { request_id: string }[]).map((t) => t.request_id);
    expect(ids).to.deep.equal([traceA]);
    const onlyB = await call(searcher, 'GET', `/api/2.0/mlflow/traces?experiment_ids=${b}`);
    expect(onlyB).to.deep.equal({});
    const summaries = await call(searcher, 'POST', '/ajax-api/2.0/mlflow/experiments/search-datasets', {
      experiment_ids: [a, b],
    });
    const rows = (summaries['dataset_summaries'] ?? []) as { experiment_id: string; name: string }[];
    expect(rows.map((row) => row.name)).to.deep.equal(['input-a']);
    expect(rows.every((row) => row.experiment_id === a)).to.equal(true);
  });

  it('an administrator sees everything', async () => {
    const results = await runClient(
      world.users.admin,
      `
from mlflow.genai.datasets import search_datasets, get_dataset
results["over_ab"] = attempt(lambda: sorted(d.name for d in search_datasets(experiment_ids=["${a}", "${b}"])))
results["get_ab"] = attempt(lambda: get_dataset(name="${names.ab}").name)
`,
    );
    expect(results['over_ab']).to.deep.equal({ ok: true, value: Object.values(names).sort() });
    expect(results['get_ab']).to.deep.equal({ ok: true, value: names.ab });
    const v2 = await call(world.users.admin, 'GET', `/api/2.0/mlflow/traces?experiment_ids=${a}&experiment_ids=${b}`);
    const ids = ((v2['traces'] ?? []) as { request_id: string }[]).map((t) => t.request_id).sort();
    expect(ids).to.deep.equal([traceA, traceB].sort());
  });
});
