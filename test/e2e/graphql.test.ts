/**
 * GraphQL through the gateway, against the real MLflow: every root field is decided as the MLflow operation it
 * runs, whatever way the document names its resources (aliases, fragments, variables), and refusals are answered
 * in GraphQL (HTTP 200, apiError) with nothing of the refused resource in them.
 */
import http from 'node:http';

import { expect } from 'chai';

import { runClient } from './python.js';
import { type Credentials, basic, cli, world } from './world.js';

interface Answer {
  readonly status: number;
  readonly code: string | null;
  readonly text: string;
  readonly body: {
    data?: Record<string, unknown> | null;
    errors?: unknown;
    extensions?: { mlgate?: { code?: string } };
  };
}

async function graphql(
  credentials: Credentials | null,
  query: string,
  variables?: Record<string, unknown>,
  options: { method?: string; raw?: string } = {},
): Promise<Answer> {
  const response = await fetch(`${world.gateway.url}/graphql`, {
    method: options.method ?? 'POST',
    headers: {
      'content-type': 'application/json',
      ...(credentials === null ? {} : { authorization: basic(credentials) }),
    },
    body: options.raw ?? JSON.stringify({ query, ...(variables === undefined ? {} : { variables }) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    code: response.headers.get('x-mlgate-error-code'),
    text,
    body: JSON.parse(text) as Answer['body'],
  };
}

describe('GraphQL through the gateway', () => {
  let reader: Credentials;
  let mineId: string;
  let theirsId: string;
  let mineRun: string;
  let theirsRun: string;

  before(async function () {
    this.timeout(120_000);
    const created = await runClient(
      world.users.admin,
      `
mine = mlflow.create_experiment("gql-mine")
theirs = mlflow.create_experiment("gql-theirs")
with mlflow.start_run(experiment_id=mine) as a:
    mlflow.log_metric("m", 1.0)
with mlflow.start_run(experiment_id=theirs) as b:
    mlflow.log_metric("secret_metric", 42.0)
results["ids"] = {"ok": True, "value": [mine, theirs, a.info.run_id, b.info.run_id]}
`,
    );
    [mineId, theirsId, mineRun, theirsRun] = created['ids']?.value as [string, string, string, string];
    await cli(['user', 'create', 'gql-reader']);
    reader = { username: 'gql-reader', token: await cli(['token', 'create', 'gql-reader']) };
    await cli(['grant', '--experiment', mineId, '--user', 'gql-reader', '--permission', 'READ']);
  });

  const getRun = (run: string, alias = '') =>
    `${alias}mlflowGetRun(input: {runId: "${run}"}) { apiError { code message } run { info { runId } data { metrics { key value } } } }`;

  function expectRefused(answer: Answer, code: string, fragment: string): void {
    expect(answer.status, answer.text).to.equal(200);
    expect(answer.code).to.equal(code);
    expect(answer.body.extensions?.mlgate?.code).to.equal(code);
    expect(answer.text).to.include(fragment);
    expect(answer.text).not.to.include('secret_metric');
  }

  it('answers a field on a readable run with MLflow data', async () => {
    const answer = await graphql(reader, `{ ${getRun(mineRun)} }`);
    expect(answer.status).to.equal(200);
    expect(answer.code).to.equal(null);
    const run = (answer.body.data?.['mlflowGetRun'] as { run: { info: { runId: string } } }).run;
    expect(run.info.runId).to.equal(mineRun);
  });

  it('refuses a run of an unreadable experiment, in GraphQL, with nothing of it', async () => {
    const answer = await graphql(reader, `{ ${getRun(theirsRun)} }`);
    expectRefused(answer, 'MLGATE_PERMISSION_DENIED', `GetRun needs READ on the experiment of run ${theirsRun}`);
    const field = answer.body.data?.['mlflowGetRun'] as { apiError: { code: string; message: string }; run: unknown };
    expect(field.run).to.equal(null);
    expect(field.apiError.code).to.equal('PERMISSION_DENIED');
    expect(field.apiError.message).to.include('Permission denied');
    expect(answer.body.errors).to.equal(null);
  });

  it('refuses an unreadable run hidden behind an alias next to a readable one (every alias is decided)', async () => {
    const answer = await graphql(reader, `{ ${getRun(mineRun, 'a: ')} ${getRun(theirsRun, 'b: ')} }`);
    expectRefused(answer, 'MLGATE_PERMISSION_DENIED', 'field b: mlflowGetRun');
    expect(Object.keys(answer.body.data ?? {})).to.deep.equal(['a', 'b']);
  });

  it('refuses an unreadable run named in a variable or a fragment', async () => {
    const viaVariable = await graphql(
      reader,
      'query Q($data: MlflowGetRunInput!) { mlflowGetRun(input: $data) { run { info { runId } data { metrics { key } } } } }',
      { data: { runId: theirsRun } },
    );
    expectRefused(viaVariable, 'MLGATE_PERMISSION_DENIED', theirsRun);
    const viaFragment = await graphql(reader, `query { ...F } fragment F on Query { ${getRun(theirsRun)} }`);
    expectRefused(viaFragment, 'MLGATE_PERMISSION_DENIED', theirsRun);
  });

  it('narrows a search naming an unreadable experiment to the readable ones, refuses one naming only unreadable ones, and metric histories of an unreadable run', async () => {
    const search = await graphql(
      reader,
      `mutation { mlflowSearchRuns(input: {experimentIds: ["${mineId}", "${theirsId}"]}) { runs { info { runId } data { metrics { key } } } } }`,
    );
    expect(search.body.errors ?? null).to.equal(null);
    expect(JSON.stringify(search.body.data)).to.include(mineRun).and.not.include(theirsRun);
    const onlyTheirs = await graphql(
      reader,
      `mutation { mlflowSearchRuns(input: {experimentIds: ["${theirsId}"]}) { runs { data { metrics { key } } } } }`,
    );
    expectRefused(onlyTheirs, 'MLGATE_PERMISSION_DENIED', `experiment ${theirsId}`);
    const history = await graphql(
      reader,
      `{ mlflowGetMetricHistoryBulkInterval(input: {runIds: ["${mineRun}", "${theirsRun}"], metricKey: "secret_metric"}) { metrics { key value } } }`,
    );
    expectRefused(history, 'MLGATE_PERMISSION_DENIED', theirsRun);
    const mine = await graphql(
      reader,
      `mutation { mlflowSearchRuns(input: {experimentIds: ["${mineId}"]}) { runs { info { runId } } } }`,
    );
    expect(JSON.stringify(mine.body.data)).to.include(mineRun);
  });

  it('answers a run that does not exist as not found', async () => {
    const answer = await graphql(reader, `{ ${getRun('f'.repeat(32))} }`);
    expectRefused(answer, 'MLGATE_RESOURCE_NOT_FOUND', 'does not exist');
  });

  it('refuses unknown fields, the model-version search and introspection to non-administrators only', async () => {
    const search = '{ mlflowSearchModelVersions(input: {filter: "name=\'x\'"}) { modelVersions { name } } }';
    expectRefused(await graphql(reader, search), 'MLGATE_ROUTE_UNKNOWN', 'mlflowSearchModelVersions');
    expect((await graphql(world.users.admin, search)).code).to.equal(null);
    const introspection = '{ __schema { queryType { name } } }';
    expectRefused(await graphql(reader, introspection), 'MLGATE_ADMIN_REQUIRED', 'administrators');
    const admin = await graphql(world.users.admin, introspection);
    expect(admin.body.data).to.deep.equal({ __schema: { queryType: { name: 'Query' } } });
    expectRefused(await graphql(reader, '{ mlflowNewField { x } }'), 'MLGATE_ROUTE_UNKNOWN', 'mlflowNewField');
  });

  it("empties a run's model versions for a non-administrator, not for an administrator", async () => {
    await runClient(
      world.users.admin,
      `
client = MlflowClient()
client.create_registered_model("gql-model")
client.create_model_version("gql-model", "runs:/${mineRun}/model", run_id="${mineRun}")
results["ok"] = {"ok": True}
`,
    );
    const query = `{ mlflowGetRun(input: {runId: "${mineRun}"}) { run { modelVersions { name } } } }`;
    const asReader = await graphql(reader, query);
    expect(asReader.body.data).to.deep.equal({ mlflowGetRun: { run: { modelVersions: [] } } });
    const asAdmin = await graphql(world.users.admin, query);
    expect(asAdmin.body.data).to.deep.equal({ mlflowGetRun: { run: { modelVersions: [{ name: 'gql-model' }] } } });
  });

  it('needs credentials, and reads GET like POST (from the body)', async () => {
    const anonymous = await fetch(`${world.gateway.url}/graphql`, { method: 'POST' });
    expect(anonymous.status).to.equal(401);
    // fetch sends no body with GET; node:http does, as MLflow's UI clients may.
    const body = JSON.stringify({ query: `{ ${getRun(theirsRun)} }` });
    const viaGet = await new Promise<{ status: number; code: string | undefined; text: string }>((resolve, reject) => {
      const request = http.request(`${world.gateway.url}/graphql?query=ignored`, {
        method: 'GET',
        headers: { authorization: basic(reader), 'content-type': 'application/json', 'content-length': body.length },
      });
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, code: response.headers['x-mlgate-error-code'] as string, text }),
        );
      });
      request.on('error', reject);
      request.end(body);
    });
    expect(viaGet.status).to.equal(200);
    expect(viaGet.code).to.equal('MLGATE_PERMISSION_DENIED');
    expect(viaGet.text).to.include(theirsRun);
  });

  it('refuses batches, malformed documents and oversized ones with 400', async () => {
    const batch = await graphql(reader, '', undefined, { raw: JSON.stringify([{ query: `{ ${getRun(mineRun)} }` }]) });
    expect(batch.status).to.equal(400);
    expect((await graphql(reader, '{ mlflowGetRun(')).status).to.equal(400);
    const aliases = Array.from({ length: 11 }, (_, i) => getRun(mineRun, `r${i}: `)).join(' ');
    const tooMany = await graphql(reader, `{ ${aliases} }`);
    expect(tooMany.status).to.equal(400);
    expect(tooMany.text).to.include('the gateway accepts no more');
  });
});
