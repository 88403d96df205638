/**
 * The MLflow Python client, used exactly as a user would (tracking URI,
 * MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD), through mlgate in
 * front of a real MLflow server.
 */
import { expect } from 'chai';

import { runClient } from './python.js';
import { basic, cli, world } from './world.js';

describe('MLflow Python client through mlgate', () => {
  let editorRunId: string;

  // This suite's own experiment, shared the way an administrator would share it.
  before(async () => {
    const created = await fetch(`${world.gateway.url}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: { authorization: basic(world.users.admin), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'quickstart' }),
    });
    const id = ((await created.json()) as { experiment_id: string }).experiment_id;
    await cli(['grant', '--experiment', id, '--user', 'editor', '--permission', 'EDIT']);
    await cli(['grant', '--experiment', id, '--user', 'reader', '--permission', 'READ']);
    await cli(['grant', '--experiment', id, '--group', 'team-x', '--permission', 'EDIT']);
  });

  it('lets a user with EDIT on an experiment run the quick-start workflow', async () => {
    const results = await runClient(
      world.users.editor,
      `
mlflow.set_experiment("quickstart")
with mlflow.start_run() as run:
    mlflow.log_param("key", "value")
    mlflow.log_metric("accuracy", 0.5)
    mlflow.log_metric("accuracy", 0.75, step=1)
    mlflow.log_metrics({"loss": 0.25, "f1": 0.6})
    mlflow.set_tag("stage", "e2e")
results["run_id"] = {"ok": True, "value": run.info.run_id}
found = mlflow.search_runs(experiment_names=["quickstart"])
found = found[found.run_id == run.info.run_id]
results["search"] = {"ok": True, "value": found[["run_id", "params.key", "metrics.accuracy", "tags.stage"]].to_dict("records")}
results["history"] = attempt(lambda: [m.value for m in MlflowClient().get_metric_history(run.info.run_id, "accuracy")])
results["status"] = attempt(lambda: MlflowClient().get_run(run.info.run_id).info.status)
`,
    );
    editorRunId = results['run_id']?.value as string;
    expect(editorRunId).to.match(/^[0-9a-f]{32}$/);
    expect(results['search']?.value).to.deep.include({
      run_id: editorRunId,
      'params.key': 'value',
      'metrics.accuracy': 0.75,
      'tags.stage': 'e2e',
    });
    expect(results['history']).to.deep.equal({ ok: true, value: [0.5, 0.75] });
    expect(results['status']).to.deep.equal({ ok: true, value: 'FINISHED' });
  });

  it('makes the creator of a new experiment its manager, and nobody else can see it', async () => {
    const own = await runClient(
      world.users.editor,
      `
mlflow.set_experiment("editor-private")
with mlflow.start_run():
    mlflow.log_param("p", 1)
experiment = mlflow.get_experiment_by_name("editor-private")
results["experiment_id"] = {"ok": True, "value": experiment.experiment_id}
results["tag"] = attempt(lambda: MlflowClient().set_experiment_tag(experiment.experiment_id, "owner", "editor"))
`,
    );
    expect(own['tag']?.ok).to.be.true;
    const experimentId = own['experiment_id']?.value as string;
    const other = await runClient(
      world.users.reader,
      `
results["get"] = attempt(lambda: mlflow.get_experiment("${experimentId}").name)
results["by_name"] = attempt(lambda: mlflow.get_experiment_by_name("editor-private").name)
results["listed"] = {"ok": True, "value": [e.name for e in mlflow.search_experiments()]}
`,
    );
    expect(other['get']).to.include({ ok: false, error_code: 'PERMISSION_DENIED', status: 403 });
    expect(other['by_name']).to.include({ ok: false, error_code: 'PERMISSION_DENIED' });
    expect(other['listed']?.value).to.not.include('editor-private');
    expect(other['listed']?.value).to.include('quickstart');
    const cleanup = await runClient(
      world.users.editor,
      `results["delete"] = attempt(lambda: MlflowClient().delete_experiment("${experimentId}"))`,
    );
    expect(cleanup['delete']?.ok, 'the creator (MANAGE) may delete').to.be.true;
  });

  it('lets a user with READ read, and refuses every write with a permission error', async () => {
    const results = await runClient(
      world.users.reader,
      `
experiment = mlflow.get_experiment_by_name("quickstart")
results["experiment"] = {"ok": True, "value": experiment.name}
results["runs"] = attempt(lambda: len(mlflow.search_runs(experiment_ids=[experiment.experiment_id])))
results["get_run"] = attempt(lambda: MlflowClient().get_run("${editorRunId}").data.params)
results["history"] = attempt(lambda: len(MlflowClient().get_metric_history("${editorRunId}", "accuracy")))
results["start_run"] = attempt(lambda: MlflowClient().create_run(experiment.experiment_id))
results["log_param"] = attempt(lambda: MlflowClient().log_param("${editorRunId}", "intruder", "1"))
results["log_metric"] = attempt(lambda: MlflowClient().log_metric("${editorRunId}", "intruder", 1.0))
results["log_batch"] = attempt(lambda: MlflowClient().log_batch("${editorRunId}", params=[mlflow.entities.Param("x", "1")]))
results["set_tag"] = attempt(lambda: MlflowClient().set_experiment_tag(experiment.experiment_id, "x", "y"))
results["delete_run"] = attempt(lambda: MlflowClient().delete_run("${editorRunId}"))
results["rename"] = attempt(lambda: MlflowClient().rename_experiment(experiment.experiment_id, "stolen"))
`,
    );
    expect(results['experiment']?.value).to.equal('quickstart');
    expect(results['runs']).to.deep.equal({ ok: true, value: 1 });
    expect(results['get_run']).to.deep.equal({ ok: true, value: { key: 'value' } });
    expect(results['history']).to.deep.equal({ ok: true, value: 2 });
    for (const write of ['start_run', 'log_param', 'log_metric', 'log_batch', 'set_tag', 'delete_run', 'rename']) {
      expect(results[write], write).to.include({ ok: false, error_code: 'PERMISSION_DENIED', status: 403 });
    }
    expect(results['log_param']?.message).to.include('LogParam needs EDIT on the experiment of run');
    expect(results['log_param']?.message).to.include('you have READ (user grant)');
  });

  it('refuses a user without any grant', async () => {
    const results = await runClient(
      world.users.outsider,
      `
results["get"] = attempt(lambda: mlflow.get_experiment("${world.sharedExperimentId}").name)
results["by_name"] = attempt(lambda: mlflow.get_experiment_by_name("quickstart").name)
results["search_runs"] = attempt(lambda: len(mlflow.search_runs(experiment_ids=["${world.sharedExperimentId}"])))
results["get_run"] = attempt(lambda: MlflowClient().get_run("${editorRunId}").info.run_id)
results["log"] = attempt(lambda: MlflowClient().log_param("${editorRunId}", "x", "1"))
results["listed"] = {"ok": True, "value": [e.name for e in mlflow.search_experiments()]}
`,
    );
    for (const call of ['get', 'by_name', 'get_run', 'log']) {
      expect(results[call], call).to.include({ ok: false, error_code: 'PERMISSION_DENIED', status: 403 });
    }
    // Searching runs leaves out the experiments the caller may not read (MLflow's own behaviour): none here.
    expect(results['search_runs']).to.deep.equal({ ok: true, value: 0 });
    expect(results['listed']?.value).to.deep.equal([]);
    expect(results['get']?.message).to.include('you have NO_PERMISSIONS (the default)');
  });

  it("gives group members their group's permission", async () => {
    const results = await runClient(
      world.users.teammate,
      `
mlflow.set_experiment("quickstart")
with mlflow.start_run() as run:
    mlflow.log_metric("m", 1.0)
results["logged"] = attempt(lambda: MlflowClient().get_run(run.info.run_id).data.metrics)
results["delete"] = attempt(lambda: MlflowClient().delete_run(run.info.run_id))
`,
    );
    expect(results['logged']).to.deep.equal({ ok: true, value: { m: 1.0 } });
    expect(results['delete'], 'EDIT does not allow deleting').to.include({
      ok: false,
      error_code: 'PERMISSION_DENIED',
    });
  });

  it('answers a wrong token with 401, and no credentials with 401', async () => {
    const wrong = await runClient(
      { username: 'editor', token: 'mlg_not-a-real-token' },
      `results["get"] = attempt(lambda: mlflow.get_experiment("${world.sharedExperimentId}"))`,
    );
    expect(wrong['get']).to.include({ ok: false, error_code: 'UNAUTHENTICATED', status: 401 });
    expect(wrong['get']?.message).to.include('The username or access token is not valid');
    const anonymous = await runClient(
      null,
      `results["get"] = attempt(lambda: mlflow.get_experiment("${world.sharedExperimentId}"))`,
    );
    expect(anonymous['get']).to.include({ ok: false, error_code: 'UNAUTHENTICATED', status: 401 });
    expect(anonymous['get']?.message).to.include('MLFLOW_TRACKING_USERNAME');
  });

  for (const who of ['admin', 'groupAdmin'] as const) {
    it(`lets an administrator (${who === 'admin' ? 'by flag' : 'by group'}) do everything, routes outside the catalogue included`, async () => {
      const results = await runClient(
        world.users[who],
        `
results["listed"] = {"ok": True, "value": [e.name for e in mlflow.search_experiments()]}
results["get_run"] = attempt(lambda: MlflowClient().get_run("${editorRunId}").info.run_id)
results["tag"] = attempt(lambda: MlflowClient().set_tag("${editorRunId}", "reviewed-by", "${who}"))
results["model"] = attempt(lambda: MlflowClient().create_registered_model("model-${who}").name)
results["delete"] = attempt(lambda: MlflowClient().delete_registered_model("model-${who}"))
`,
      );
      expect(results['listed']?.value).to.include.members(['shared', 'quickstart']);
      expect(results['get_run']).to.deep.equal({ ok: true, value: editorRunId });
      expect(results['tag']?.ok).to.be.true;
      expect(results['model']).to.deep.equal({ ok: true, value: `model-${who}` });
      expect(results['delete']?.ok).to.be.true;
    });
  }

  it('streams large artifact uploads and downloads for administrators (artifact routes are not catalogued yet)', async () => {
    const results = await runClient(
      world.users.admin,
      `
import hashlib, os, tempfile
data = os.urandom(24 * 1024 * 1024)
folder = tempfile.mkdtemp()
path = os.path.join(folder, "weights.bin")
with open(path, "wb") as f:
    f.write(data)
mlflow.set_experiment("quickstart")
with mlflow.start_run() as run:
    mlflow.log_artifact(path)
downloaded = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="weights.bin", dst_path=tempfile.mkdtemp())
with open(downloaded, "rb") as f:
    back = f.read()
results["same"] = {"ok": True, "value": hashlib.sha256(back).hexdigest() == hashlib.sha256(data).hexdigest()}
results["size"] = {"ok": True, "value": len(back)}
`,
    );
    expect(results['size']?.value).to.equal(24 * 1024 * 1024);
    expect(results['same']?.value).to.equal(true);
  });

  it('refuses routes outside the catalogue to non-administrators, saying why', async () => {
    // Every route MLflow serves is catalogued; a newer client calling a route the gateway does not know is refused.
    const results = await runClient(
      world.users.editor,
      `
from mlflow.utils.rest_utils import call_endpoint
from mlflow.utils.credentials import get_default_host_creds
from mlflow.protos.service_pb2 import GetExperiment
results["unknown"] = attempt(lambda: call_endpoint(
    get_default_host_creds(mlflow.get_tracking_uri()), "/api/2.0/mlflow/experiments/get-everything", "GET",
    "{}", GetExperiment.Response()))
`,
    );
    expect(results['unknown']).to.include({ ok: false, error_code: 'PERMISSION_DENIED', status: 403 });
    expect(results['unknown']?.message).to.include("is not in the gateway's MLflow route catalogue");
  });
});
