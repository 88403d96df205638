/**
 * Artifacts and logged models through mlgate, with the real MLflow Python client (log_artifact, list_artifacts,
 * download_artifacts, pyfunc.log_model and load_model) and over plain HTTP for what a client library would never
 * send: another experiment's artifacts, a run of another experiment in the path, traversal, and uploads over the
 * size limit.
 */
import http from 'node:http';

import { expect } from 'chai';

import { runClient } from './python.js';
import { type Credentials, basic, cli, startExtraGateway, world } from './world.js';

const HELPERS = `
import os, tempfile
import pandas as pd

def attempt_any(fn):
    try:
        return {"ok": True, "value": fn()}
    except MlflowException as e:
        return {"ok": False, "error_code": e.error_code, "status": e.get_http_status_code(), "message": str(e)}
    except Exception as e:
        text = str(e)
        return {"ok": False, "error_code": "PERMISSION_DENIED" if "403" in text else type(e).__name__, "message": text}

work = tempfile.mkdtemp()
def local_file(name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path

def read(path):
    with open(path) as f:
        return f.read()

class Echo(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return model_input
`;

async function createExperiment(name: string): Promise<string> {
  const created = await fetch(`${world.gateway.url}/api/2.0/mlflow/experiments/create`, {
    method: 'POST',
    headers: { authorization: basic(world.users.admin), 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  expect(created.status).to.equal(200);
  return ((await created.json()) as { experiment_id: string }).experiment_id;
}

async function send(
  method: string,
  path: string,
  credentials: Credentials,
  body?: string | Buffer | ReadableStream<Uint8Array>,
  baseUrl: string = world.gateway.url,
): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: basic(credentials) },
    ...(body === undefined ? {} : { body, duplex: 'half' }),
  });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // a file
  }
  return { status: response.status, body: parsed, text };
}

/** A request with the path exactly as written (fetch would resolve "%2e%2e" segments before sending). */
function raw(
  method: string,
  path: string,
  credentials: Credentials,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const base = new URL(world.gateway.url);
    const request = http.request(
      { host: base.hostname, port: base.port, method, path, headers: { authorization: basic(credentials) } },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => {
          let body: Record<string, unknown> = {};
          try {
            body = JSON.parse(text) as Record<string, unknown>;
          } catch {
            // not JSON
          }
          resolve({ status: response.statusCode ?? 0, body });
        });
      },
    );
    request.on('error', reject);
    request.end();
  });
}

function chunks(total: number, size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) {
        controller.close();
        return;
      }
      const n = Math.min(size, total - sent);
      sent += n;
      controller.enqueue(new Uint8Array(n).fill(120));
    },
  });
}

describe('artifacts and logged models through mlgate', () => {
  let experimentId: string;
  let otherExperimentId: string;
  let runId: string;
  let modelId: string;
  let modelUri: string;
  let otherRunId: string;

  before(async function () {
    this.timeout(180_000);
    experimentId = await createExperiment('artifacts-e2e');
    otherExperimentId = await createExperiment('artifacts-e2e-other');
    await cli(['grant', '--experiment', experimentId, '--user', 'editor', '--permission', 'EDIT']);
    await cli(['grant', '--experiment', experimentId, '--user', 'reader', '--permission', 'READ']);
    // A run with an artifact in an experiment the editor has no grant on.
    const other = await runClient(
      world.users.admin,
      `${HELPERS}
mlflow.set_experiment(experiment_id="${otherExperimentId}")
with mlflow.start_run() as run:
    mlflow.log_artifact(local_file("secret.txt", "not yours"))
results["run_id"] = {"ok": True, "value": run.info.run_id}
`,
    );
    otherRunId = other['run_id']?.value as string;
  });

  it('lets EDIT log, list and download artifacts, and log and load a pyfunc model', async function () {
    this.timeout(180_000);
    const results = await runClient(
      world.users.editor,
      `${HELPERS}
mlflow.set_experiment(experiment_id="${experimentId}")
client = MlflowClient()
with mlflow.start_run() as run:
    results["log_artifact"] = attempt_any(lambda: mlflow.log_artifact(local_file("notes.txt", "hello artifacts"), artifact_path="docs"))
    results["list"] = attempt_any(lambda: [f.path for f in client.list_artifacts(run.info.run_id, "docs")])
    results["download"] = attempt_any(lambda: read(client.download_artifacts(run.info.run_id, "docs/notes.txt", os.path.join(work, "dl"))))
    info = mlflow.pyfunc.log_model(name="model", python_model=Echo(), pip_requirements=["mlflow"])
results["run_id"] = {"ok": True, "value": run.info.run_id}
results["model_id"] = {"ok": True, "value": info.model_id}
results["model_uri"] = {"ok": True, "value": info.model_uri}
results["load"] = attempt_any(lambda: mlflow.pyfunc.load_model(info.model_uri).predict(pd.DataFrame({"x": [1, 2]}))["x"].tolist())
results["load_by_run"] = attempt_any(lambda: mlflow.pyfunc.load_model(f"runs:/{run.info.run_id}/model").predict(pd.DataFrame({"x": [3]}))["x"].tolist())
results["get_model"] = attempt_any(lambda: client.get_logged_model(info.model_id).name)
results["search_models"] = attempt_any(lambda: [m.model_id for m in mlflow.search_logged_models(experiment_ids=["${experimentId}"], output_format="list")])
results["model_tag"] = attempt_any(lambda: client.set_logged_model_tags(info.model_id, {"stage": "e2e"}))
`,
    );
    runId = results['run_id']?.value as string;
    modelId = results['model_id']?.value as string;
    modelUri = results['model_uri']?.value as string;
    expect(results['log_artifact'], JSON.stringify(results['log_artifact'])).to.include({ ok: true });
    expect(results['list']).to.deep.equal({ ok: true, value: ['docs/notes.txt'] });
    expect(results['download']).to.deep.equal({ ok: true, value: 'hello artifacts' });
    expect(modelId).to.match(/^m-[0-9a-f]{32}$/);
    expect(results['load'], JSON.stringify(results['load'])).to.deep.equal({ ok: true, value: [1, 2] });
    expect(results['load_by_run'], JSON.stringify(results['load_by_run'])).to.deep.equal({ ok: true, value: [3] });
    expect(results['get_model']).to.deep.equal({ ok: true, value: 'model' });
    expect(results['search_models']).to.deep.equal({ ok: true, value: [modelId] });
    expect(results['model_tag']).to.include({ ok: true });
  });

  it('lets READ list, download and load, and refuses its writes', async function () {
    this.timeout(180_000);
    const results = await runClient(
      world.users.reader,
      `${HELPERS}
client = MlflowClient()
results["list"] = attempt_any(lambda: [f.path for f in client.list_artifacts("${runId}", "docs")])
results["download"] = attempt_any(lambda: read(client.download_artifacts("${runId}", "docs/notes.txt", os.path.join(work, "dl"))))
results["load"] = attempt_any(lambda: mlflow.pyfunc.load_model("${modelUri}").predict(pd.DataFrame({"x": [5]}))["x"].tolist())
results["log_artifact"] = attempt_any(lambda: client.log_artifact("${runId}", local_file("mine.txt", "x")))
results["log_model_artifact"] = attempt_any(lambda: mlflow.artifacts.download_artifacts(artifact_uri="mlflow-artifacts:/${experimentId}/models/${modelId}/artifacts/MLmodel", dst_path=os.path.join(work, "m")) and read(os.path.join(work, "m", "MLmodel"))[:0])
results["create_model"] = attempt_any(lambda: client.create_logged_model(experiment_id="${experimentId}", name="theirs"))
results["model_tag"] = attempt_any(lambda: client.set_logged_model_tags("${modelId}", {"stage": "reader"}))
results["delete_model"] = attempt_any(lambda: client.delete_logged_model("${modelId}"))
`,
    );
    expect(results['list']).to.deep.equal({ ok: true, value: ['docs/notes.txt'] });
    expect(results['download']).to.deep.equal({ ok: true, value: 'hello artifacts' });
    expect(results['load'], JSON.stringify(results['load'])).to.deep.equal({ ok: true, value: [5] });
    expect(results['log_model_artifact']).to.include({ ok: true });
    for (const name of ['log_artifact', 'create_model', 'model_tag', 'delete_model']) {
      expect(results[name], name).to.include({ ok: false, error_code: 'PERMISSION_DENIED' });
    }
  });

  it('refuses everything to a user without a grant', async function () {
    this.timeout(180_000);
    const results = await runClient(
      world.users.outsider,
      `${HELPERS}
client = MlflowClient()
results["list"] = attempt_any(lambda: client.list_artifacts("${runId}", "docs"))
results["download"] = attempt_any(lambda: mlflow.artifacts.download_artifacts(artifact_uri="mlflow-artifacts:/${experimentId}/${runId}/artifacts/docs/notes.txt", dst_path=work))
results["load"] = attempt_any(lambda: mlflow.pyfunc.load_model("${modelUri}"))
results["get_model"] = attempt_any(lambda: client.get_logged_model("${modelId}"))
results["search_models"] = attempt_any(lambda: [m.model_id for m in mlflow.search_logged_models(experiment_ids=["${experimentId}"], output_format="list")])
results["upload"] = attempt_any(lambda: mlflow.artifacts.load_text("mlflow-artifacts:/${experimentId}/${runId}/artifacts/docs/notes.txt"))
`,
    );
    for (const name of ['list', 'download', 'load', 'get_model', 'upload']) {
      expect(results[name], `${name}: ${JSON.stringify(results[name])}`).to.include({
        ok: false,
        error_code: 'PERMISSION_DENIED',
      });
    }
    // A search leaves out the experiments the caller may not read: nothing here.
    expect(results['search_models']).to.deep.equal({ ok: true, value: [] });
  });

  it('lets an administrator do all of it', async function () {
    this.timeout(180_000);
    const results = await runClient(
      world.users.admin,
      `${HELPERS}
client = MlflowClient()
results["download"] = attempt_any(lambda: read(client.download_artifacts("${runId}", "docs/notes.txt", os.path.join(work, "dl"))))
results["log_artifact"] = attempt_any(lambda: client.log_artifact("${runId}", local_file("admin.txt", "by admin")))
results["load"] = attempt_any(lambda: mlflow.pyfunc.load_model("${modelUri}").predict(pd.DataFrame({"x": [7]}))["x"].tolist())
results["root"] = attempt_any(lambda: len(mlflow.artifacts.list_artifacts(artifact_uri="mlflow-artifacts:/")) > 0)
`,
    );
    expect(results['download']).to.deep.equal({ ok: true, value: 'hello artifacts' });
    expect(results['log_artifact']).to.include({ ok: true });
    expect(results['load']).to.deep.equal({ ok: true, value: [7] });
    expect(results['root']).to.deep.equal({ ok: true, value: true });
  });

  describe('over HTTP', () => {
    const artifacts = '/api/2.0/mlflow-artifacts/artifacts';

    it("refuses another experiment's artifacts, by path and by run id", async () => {
      const byPath = await send(
        'GET',
        `${artifacts}/${otherExperimentId}/${otherRunId}/artifacts/secret.txt`,
        world.users.editor,
      );
      expect(byPath.status).to.equal(403);
      expect(byPath.body['error_code']).to.equal('PERMISSION_DENIED');
      const listed = await send(
        'GET',
        `${artifacts}?path=${otherExperimentId}/${otherRunId}/artifacts`,
        world.users.editor,
      );
      expect(listed.status).to.equal(403);
      const byRun = await send('GET', `/get-artifact?run_id=${otherRunId}&path=secret.txt`, world.users.editor);
      expect(byRun.status).to.equal(403);
      const admin = await send(
        'GET',
        `${artifacts}/${otherExperimentId}/${otherRunId}/artifacts/secret.txt`,
        world.users.admin,
      );
      expect(admin.status).to.equal(200);
      expect(admin.text).to.equal('not yours');
    });

    it("refuses a path whose run belongs to another experiment than the path's", async () => {
      // The editor's experiment in the path, another experiment's run: that run's experiment must allow it too.
      const foreignRun = await send(
        'PUT',
        `${artifacts}/${experimentId}/${otherRunId}/artifacts/planted.txt`,
        world.users.editor,
        'x',
      );
      expect(foreignRun.status).to.equal(403);
      expect(String(foreignRun.body['message'])).to.include(`run ${otherRunId}`);
      const foreignRead = await send(
        'GET',
        `${artifacts}/${experimentId}/${otherRunId}/artifacts/secret.txt`,
        world.users.editor,
      );
      expect(foreignRead.status).to.equal(403);
      // Another experiment in the path, the editor's own run.
      const foreignExperiment = await send(
        'PUT',
        `${artifacts}/${otherExperimentId}/${runId}/artifacts/planted.txt`,
        world.users.editor,
        'x',
      );
      expect(foreignExperiment.status).to.equal(403);
      expect(String(foreignExperiment.body['message'])).to.include(`experiment ${otherExperimentId}`);
      const check = await send(
        'GET',
        `${artifacts}/${otherExperimentId}/${runId}/artifacts/planted.txt`,
        world.users.admin,
      );
      expect(check.status).to.not.equal(200);
    });

    it('refuses traversal, encoded slashes and dot segments before any decision', async () => {
      const paths = [
        `${artifacts}/${experimentId}/${runId}/artifacts/%2e%2e/%2e%2e/${otherExperimentId}/${otherRunId}/artifacts/secret.txt`,
        `${artifacts}/${experimentId}/${runId}/artifacts/..%2F..%2F${otherExperimentId}/x`,
        `${artifacts}/${experimentId}%2F${runId}/artifacts/docs/notes.txt`,
        `${artifacts}/${experimentId}/${runId}/artifacts/%252e%252e/%252e%252e/${otherExperimentId}/${otherRunId}/artifacts/secret.txt`,
        // "%2533" is "%33" to the gateway and "3" to MLflow, which decodes artifact paths again.
        `${artifacts}/%25${otherExperimentId.charCodeAt(0).toString(16)}${otherExperimentId.slice(1)}/${otherRunId}/artifacts/secret.txt`,
        `${artifacts}/${experimentId}/${runId}/artifacts/../../${otherExperimentId}/${otherRunId}/artifacts/secret.txt`,
        `${artifacts}/${experimentId}/${runId}/artifacts/./docs/notes.txt`,
        `${artifacts}?path=${experimentId}/${runId}/artifacts/../../${otherExperimentId}`,
        `${artifacts}?path=%252e%252e/${otherExperimentId}`,
        `/get-artifact?run_id=${runId}&path=../../../${otherRunId}/artifacts/secret.txt`,
        `/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=..%2F..`,
        `/ajax-api/2.0/mlflow/logged-models/${modelId}/artifacts/files?artifact_file_path=../../x`,
      ];
      for (const path of paths) {
        const answer = await raw('GET', path, world.users.editor);
        expect(answer.status, path).to.equal(400);
        expect(answer.body['code'], path).to.equal('MLGATE_REQUEST_INVALID');
      }
      const multipart = await send(
        'POST',
        `/api/2.0/mlflow-artifacts/mpu/create/${experimentId}/${runId}/artifacts`,
        world.users.editor,
        JSON.stringify({ path: '/tmp/..', num_parts: 1 }),
      );
      expect(multipart.status).to.equal(400);
    });

    it('refuses non-administrators paths outside the layout, with a message that says which paths work', async () => {
      for (const path of [
        artifacts,
        `${artifacts}/${experimentId}/notes.txt`,
        `${artifacts}/${experimentId}/traces/tr-1/artifacts/x`,
      ]) {
        const answer = await send('GET', path, world.users.editor);
        expect(answer.status, path).to.equal(403);
        expect(String(answer.body['message']), path).to.include('<experiment_id>/<run_id>/artifacts/');
      }
      const write = await send('PUT', `${artifacts}/${experimentId}/${runId}/x.txt`, world.users.editor, 'x');
      expect(write.status).to.equal(403);
      expect(String(write.body['message'])).to.include('artifacts folder');
    });

    it('uploads and downloads as EDIT over HTTP, and DELETE stays in the run', async () => {
      const put = await send(
        'PUT',
        `${artifacts}/${experimentId}/${runId}/artifacts/http.txt`,
        world.users.editor,
        'over http',
      );
      expect(put.status).to.equal(200);
      const get = await send('GET', `${artifacts}/${experimentId}/${runId}/artifacts/http.txt`, world.users.reader);
      expect(get.text).to.equal('over http');
      const readerDelete = await send(
        'DELETE',
        `${artifacts}/${experimentId}/${runId}/artifacts/http.txt`,
        world.users.reader,
      );
      expect(readerDelete.status).to.equal(403);
      const del = await send('DELETE', `${artifacts}/${experimentId}/${runId}/artifacts/http.txt`, world.users.editor);
      expect(del.status).to.equal(200);
      const wholeExperiment = await send('DELETE', `${artifacts}/${experimentId}`, world.users.editor);
      expect(wholeExperiment.status).to.equal(403);
    });

    describe('upload size limit', () => {
      let small: string;
      const LIMIT = 64 * 1024;

      before(async function () {
        this.timeout(60_000);
        small = (await startExtraGateway('small-uploads', { MLGATE_SERVER_MAX_ARTIFACT_UPLOAD_BYTES: String(LIMIT) }))
          .url;
      });

      it('takes an upload within the limit', async () => {
        const ok = await send(
          'PUT',
          `${artifacts}/${experimentId}/${runId}/artifacts/fits.bin`,
          world.users.editor,
          Buffer.alloc(LIMIT, 1),
          small,
        );
        expect(ok.status).to.equal(200);
      });

      it('refuses a larger Content-Length up front (413)', async () => {
        const answer = await send(
          'PUT',
          `${artifacts}/${experimentId}/${runId}/artifacts/declared.bin`,
          world.users.editor,
          Buffer.alloc(LIMIT + 1, 1),
          small,
        );
        expect(answer.status).to.equal(413);
        expect(answer.body['code']).to.equal('MLGATE_BODY_TOO_LARGE');
        const stored = await send(
          'GET',
          `${artifacts}/${experimentId}/${runId}/artifacts/declared.bin`,
          world.users.admin,
        );
        expect(stored.status).to.not.equal(200);
      });

      it('cuts a chunked upload that grows past the limit, and MLflow keeps nothing of it', async () => {
        const answer = await send(
          'PUT',
          `${artifacts}/${experimentId}/${runId}/artifacts/streamed.bin`,
          world.users.editor,
          chunks(4 * LIMIT, 8 * 1024),
          small,
        );
        expect(answer.status).to.equal(413);
        expect(answer.body['code']).to.equal('MLGATE_BODY_TOO_LARGE');
        const stored = await send(
          'GET',
          `${artifacts}/${experimentId}/${runId}/artifacts/streamed.bin`,
          world.users.admin,
        );
        expect(stored.status).to.not.equal(200);
        // A chunked upload within the limit goes through.
        const fits = await send(
          'PUT',
          `${artifacts}/${experimentId}/${runId}/artifacts/streamed-ok.bin`,
          world.users.editor,
          chunks(LIMIT, 8 * 1024),
          small,
        );
        expect(fits.status).to.equal(200);
        const back = await send(
          'GET',
          `${artifacts}/${experimentId}/${runId}/artifacts/streamed-ok.bin`,
          world.users.admin,
        );
        expect(back.text.length).to.equal(LIMIT);
      });
    });
  });
});
