/**
 * The model registry and prompts through mlgate (h/registry), with the real MLflow server and Python client: a
 * non-admin registers, aliases and loads their own model and prompt; other users' registered models and prompts are
 * refused and never listed, on any page; a caller with each level gets exactly what MLflow's semantics give it;
 * ownership follows creation, deletion and renaming.
 */
import { expect } from 'chai';

import { runClient } from './python.js';
import { basic, cli, type Credentials, startExtraGateway, world } from './world.js';

const A = '/api/2.0/mlflow';

async function call(
  who: Credentials,
  method: string,
  path: string,
  body?: unknown,
  gateway: string = world.gateway.url,
): Promise<{ status: number; body: Record<string, unknown>; warning: string | null }> {
  const response = await fetch(`${gateway}${path}`, {
    method,
    headers: { authorization: basic(who), 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
    warning: response.headers.get('x-mlgate-warning'),
  };
}

const q = (params: Record<string, string>): string => new URLSearchParams(params).toString();

/** Every name a search lists for `who`, following next_page_token with a small max_results. */
async function allPages(
  who: Credentials,
  path: string,
  field: string,
  key: (row: Record<string, unknown>) => string,
  extra: Record<string, string> = {},
) {
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const { status, body } = await call(
      who,
      'GET',
      `${path}?${q({ ...extra, max_results: '2', ...(token === undefined ? {} : { page_token: token }) })}`,
    );
    expect(status, JSON.stringify(body)).to.equal(200);
    const rows = (body[field] ?? []) as Record<string, unknown>[];
    expect(rows.length).to.be.at.most(2);
    seen.push(...rows.map(key));
    token = body['next_page_token'] as string | undefined;
    pages += 1;
  } while (token !== undefined && pages < 100);
  return { seen, pages };
}

describe('model registry and prompts through mlgate', () => {
  describe('the MLflow Python client, as a non-admin', () => {
    it('registers a model from their own run, aliases it, loads it by alias, and registers and loads a prompt', async () => {
      const results = await runClient(
        world.users.editor,
        `
import pandas as pd
import mlflow.pyfunc

class Echo(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return model_input

mlflow.set_experiment("registry-e2e-editor")
with mlflow.start_run() as run:
    mlflow.pyfunc.log_model(name="model", python_model=Echo(), pip_requirements=["mlflow"])
results["register"] = attempt(lambda: mlflow.register_model(f"runs:/{run.info.run_id}/model", "reg-e2e-churn").version)
client = MlflowClient()
results["alias"] = attempt(lambda: client.set_registered_model_alias("reg-e2e-churn", "champion", "1"))
results["by_alias"] = attempt(lambda: client.get_model_version_by_alias("reg-e2e-churn", "champion").version)
results["predict"] = attempt(lambda: mlflow.pyfunc.load_model("models:/reg-e2e-churn@champion").predict(pd.DataFrame({"a": [7]})).to_dict("list"))
results["prompt"] = attempt(lambda: mlflow.genai.register_prompt(name="reg-e2e-greeting", template="Hello {{name}}!").version)
results["prompt_v2"] = attempt(lambda: mlflow.genai.register_prompt(name="reg-e2e-greeting", template="Hi {{name}}!").version)
results["prompt_alias"] = attempt(lambda: mlflow.genai.set_prompt_alias("reg-e2e-greeting", alias="prod", version=1))
results["load_prompt"] = attempt(lambda: mlflow.genai.load_prompt("prompts:/reg-e2e-greeting/2").format(name="Ada"))
results["load_prompt_alias"] = attempt(lambda: mlflow.genai.load_prompt("prompts:/reg-e2e-greeting@prod").format(name="Ada"))
`,
      );
      expect(results['register']).to.deep.equal({ ok: true, value: '1' });
      expect(results['alias']?.ok, JSON.stringify(results['alias'])).to.be.true;
      expect(results['by_alias']).to.deep.equal({ ok: true, value: '1' });
      expect(results['predict'], JSON.stringify(results['predict'])).to.deep.equal({ ok: true, value: { a: [7] } });
      expect(results['prompt']).to.deep.equal({ ok: true, value: 1 });
      expect(results['prompt_v2']).to.deep.equal({ ok: true, value: 2 });
      expect(results['prompt_alias']?.ok, JSON.stringify(results['prompt_alias'])).to.be.true;
      expect(results['load_prompt']).to.deep.equal({ ok: true, value: 'Hi Ada!' });
      expect(results['load_prompt_alias']).to.deep.equal({ ok: true, value: 'Hello Ada!' });
      // The creator holds MANAGE on each, in its own permission type.
      expect(await cli(['grants', '--registered-model', 'reg-e2e-churn'])).to.match(/editor.*MANAGE/);
      expect(await cli(['grants', '--prompt', 'reg-e2e-greeting'])).to.match(/editor.*MANAGE/);
    });

    it("refuses another user's registered model and prompt, and lists neither, on any page", async () => {
      // Readable rows for the reader around the hidden ones, so that hidden rows fall between visible pages.
      for (const name of ['reg-e2e-a', 'reg-e2e-b', 'reg-e2e-c', 'reg-e2e-d', 'reg-e2e-e']) {
        expect((await call(world.users.admin, 'POST', `${A}/registered-models/create`, { name })).status).to.equal(200);
        await cli(['grant', '--registered-model', name, '--user', 'reader', '--permission', 'READ']);
      }
      const shared = { name: 'reg-e2e-shared-prompt', tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] };
      expect((await call(world.users.admin, 'POST', `${A}/registered-models/create`, shared)).status).to.equal(200);
      await cli(['grant', '--prompt', shared.name, '--user', 'reader', '--permission', 'READ']);
      const results = await runClient(
        world.users.reader,
        `
client = MlflowClient()
results["get_model"] = attempt(lambda: client.get_registered_model("reg-e2e-churn").name)
results["get_version"] = attempt(lambda: client.get_model_version("reg-e2e-churn", "1").version)
results["by_alias"] = attempt(lambda: client.get_model_version_by_alias("reg-e2e-churn", "champion").version)
results["load_prompt"] = attempt(lambda: mlflow.genai.load_prompt("prompts:/reg-e2e-greeting/1").template)
def every_page(search):
    names, token = [], None
    while True:
        page = search(token)
        names += [row.name for row in page]
        token = page.token
        if not token:
            return names
results["models"] = attempt(lambda: every_page(lambda t: client.search_registered_models(max_results=2, page_token=t)))
results["versions"] = attempt(lambda: every_page(lambda t: client.search_model_versions(max_results=2, page_token=t)))
results["prompts"] = attempt(lambda: every_page(lambda t: client.search_prompts(max_results=2, page_token=t)))
results["genai_prompts"] = attempt(lambda: [p.name for p in mlflow.genai.search_prompts()])
`,
      );
      for (const name of ['get_model', 'get_version', 'by_alias', 'load_prompt']) {
        expect(results[name], name).to.include({ ok: false, error_code: 'PERMISSION_DENIED', status: 403 });
      }
      const models = results['models']?.value as string[];
      expect(models).to.include.members(['reg-e2e-a', 'reg-e2e-b', 'reg-e2e-c', 'reg-e2e-d', 'reg-e2e-e']);
      expect(models).to.not.include('reg-e2e-churn');
      expect(models).to.not.include('reg-e2e-greeting');
      expect(results['versions']?.value).to.not.include('reg-e2e-churn');
      expect(results['versions']?.value).to.not.include('reg-e2e-greeting');
      expect(results['prompts']).to.deep.equal({ ok: true, value: ['reg-e2e-shared-prompt'] });
      expect(results['genai_prompts']).to.deep.equal({ ok: true, value: ['reg-e2e-shared-prompt'] });
      // Through HTTP: every page holds at most max_results rows, and no page or token gives the hidden ones away.
      const pages = await allPages(world.users.reader, `${A}/registered-models/search`, 'registered_models', (r) =>
        String(r['name']),
      );
      expect(pages.seen).to.deep.equal([...new Set(pages.seen)]);
      expect(pages.seen).to.not.include('reg-e2e-churn');
      expect(pages.pages).to.be.greaterThan(2);
      // The owner sees their own, and not the others' (MLflow lists prompts only when the filter asks for them).
      const name = (r: Record<string, unknown>) => String(r['name']);
      const own = await allPages(world.users.editor, `${A}/registered-models/search`, 'registered_models', name);
      expect(own.seen).to.include('reg-e2e-churn');
      expect(own.seen).to.not.include('reg-e2e-a');
      const prompts = { filter: "tags.`mlflow.prompt.is_prompt` = 'true'" };
      const ownPrompts = await allPages(
        world.users.editor,
        `${A}/registered-models/search`,
        'registered_models',
        name,
        prompts,
      );
      expect(ownPrompts.seen).to.deep.equal(['reg-e2e-greeting']);
      const otherPrompts = await allPages(
        world.users.reader,
        `${A}/registered-models/search`,
        'registered_models',
        name,
        prompts,
      );
      expect(otherPrompts.seen).to.deep.equal(['reg-e2e-shared-prompt']);
      const versions = await allPages(world.users.reader, `${A}/model-versions/search`, 'model_versions', name);
      expect(versions.seen).to.not.include('reg-e2e-churn');
      expect(versions.seen).to.not.include('reg-e2e-greeting');
    });

    it("serves a version's files to whoever may read its registered model, and to nobody else", async () => {
      const path = `/model-versions/get-artifact?${q({ name: 'reg-e2e-churn', version: '1', path: 'MLmodel' })}`;
      const owner = await fetch(`${world.gateway.url}${path}`, {
        headers: { authorization: basic(world.users.editor) },
      });
      expect(owner.status).to.equal(200);
      expect(await owner.text()).to.include('python_function');
      const other = await call(world.users.reader, 'GET', path);
      expect(other.status).to.equal(403);
      const traversal = await call(world.users.editor, 'GET', path.replace('MLmodel', '..%2F..%2Fsecret'));
      expect(traversal.status).to.equal(400);
    });

    it('refuses a page token of one search in the other, and of another user', async () => {
      const first = await call(world.users.admin, 'GET', `${A}/registered-models/search?max_results=1`);
      const token = first.body['next_page_token'] as string;
      expect(token).to.be.a('string');
      const other = await call(
        world.users.admin,
        'GET',
        `${A}/model-versions/search?${q({ max_results: '1', page_token: token })}`,
      );
      expect(other.status).to.equal(400);
      const stolen = await call(
        world.users.reader,
        'GET',
        `${A}/registered-models/search?${q({ max_results: '1', page_token: token })}`,
      );
      expect(stolen.status).to.equal(400);
    });
  });

  describe('each level gets exactly what MLflow gives it', () => {
    type Level = 'NONE' | 'READ' | 'EDIT' | 'MANAGE' | 'ADMIN';
    const RANK: Record<Level, number> = { NONE: 0, READ: 1, EDIT: 3, MANAGE: 4, ADMIN: 9 };
    let manager: Credentials;
    let runId: string;

    before(async () => {
      await cli(['user', 'create', 'reg-manager']);
      manager = { username: 'reg-manager', token: (await cli(['token', 'create', 'reg-manager'])).trim() };
      const experiment = await call(world.users.admin, 'POST', `${A}/experiments/create`, { name: 'reg-matrix' });
      const experimentId = experiment.body['experiment_id'] as string;
      const run = await call(world.users.admin, 'POST', `${A}/runs/create`, { experiment_id: experimentId });
      runId = (run.body['run'] as { info: { run_id: string } }).info.run_id;
      for (const who of ['reader', 'editor', 'reg-manager']) {
        await cli(['grant', '--experiment', experimentId, '--user', who, '--permission', 'READ']);
      }
    });

    const callers = (): [Level, Credentials][] => [
      ['NONE', world.users.outsider],
      ['READ', world.users.reader],
      ['EDIT', world.users.editor],
      ['MANAGE', manager],
      ['ADMIN', world.users.admin],
    ];

    for (const kind of ['registered_model', 'prompt'] as const) {
      it(`on a ${kind}: READ, EDIT, MANAGE, no grant and an administrator`, async () => {
        const name = `reg-matrix-${kind}`;
        const promptTags = kind === 'prompt' ? [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] : [];
        const created = await call(world.users.admin, 'POST', `${A}/registered-models/create`, {
          name,
          tags: promptTags,
        });
        expect(created.status).to.equal(200);
        const versionBody =
          kind === 'prompt'
            ? { name, source: 'dummy-source', tags: [...promptTags, { key: 'mlflow.prompt.text', value: 'Hi {{x}}' }] }
            : { name, source: `runs:/${runId}/model`, run_id: runId };
        expect((await call(world.users.admin, 'POST', `${A}/model-versions/create`, versionBody)).status).to.equal(200);
        expect(
          (await call(world.users.admin, 'POST', `${A}/registered-models/alias`, { name, alias: 'base', version: '1' }))
            .status,
        ).to.equal(200);
        const flag = kind === 'prompt' ? '--prompt' : '--registered-model';
        await cli(['grant', flag, name, '--user', 'reader', '--permission', 'READ']);
        await cli(['grant', flag, name, '--user', 'editor', '--permission', 'EDIT']);
        await cli(['grant', flag, name, '--user', 'reg-manager', '--permission', 'MANAGE']);

        const failures: string[] = [];
        for (const [level, who] of callers()) {
          const created: string[] = [];
          const ops: [Level, string, string, unknown?][] = [
            ['READ', 'GET', `${A}/registered-models/get?${q({ name })}`],
            ['READ', 'GET', `${A}/registered-models/get-latest-versions?${q({ name })}`],
            ['READ', 'POST', `${A}/registered-models/get-latest-versions`, { name }],
            ['READ', 'GET', `${A}/model-versions/get?${q({ name, version: '1' })}`],
            ['READ', 'GET', `${A}/model-versions/get-download-uri?${q({ name, version: '1' })}`],
            ['READ', 'GET', `${A}/registered-models/alias?${q({ name, alias: 'base' })}`],
            ['EDIT', 'PATCH', `${A}/registered-models/update`, { name, description: `by ${who.username}` }],
            ['EDIT', 'POST', `${A}/registered-models/set-tag`, { name, key: 'k', value: who.username }],
            ['EDIT', 'DELETE', `${A}/registered-models/delete-tag`, { name, key: 'k' }],
            ['EDIT', 'POST', `${A}/registered-models/alias`, { name, alias: `a-${who.username}`, version: '1' }],
            ['EDIT', 'PATCH', `${A}/model-versions/update`, { name, version: '1', description: 'd' }],
            ['EDIT', 'POST', `${A}/model-versions/set-tag`, { name, version: '1', key: 'k', value: 'v' }],
            [
              'EDIT',
              'POST',
              `${A}/model-versions/transition-stage`,
              { name, version: '1', stage: 'Staging', archive_existing_versions: false },
            ],
            ['EDIT', 'POST', `${A}/model-versions/create`, versionBody],
            ['MANAGE', 'DELETE', `${A}/registered-models/alias`, { name, alias: `a-${who.username}` }],
            ['MANAGE', 'DELETE', `${A}/model-versions/delete-tag`, { name, version: '1', key: 'k' }],
            ['MANAGE', 'DELETE', `${A}/model-versions/delete`, { name, version: 'OWN' }],
          ];
          for (const [needs, method, path, body] of ops) {
            const own = created.at(-1) ?? '1';
            const sent =
              body !== null && typeof body === 'object' && (body as { version?: string }).version === 'OWN'
                ? { ...body, version: own }
                : body;
            const answer = await call(who, method, path, sent);
            const allowed = RANK[level] >= RANK[needs];
            const expected = allowed ? 200 : 403;
            if (answer.status !== expected || (!allowed && answer.body['error_code'] !== 'PERMISSION_DENIED')) {
              failures.push(
                `${level} ${method} ${path}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 160)}`,
              );
            }
            const version = (answer.body['model_version'] as { version?: string } | undefined)?.version;
            if (path.endsWith('/model-versions/create') && version !== undefined) created.push(version);
          }
          // Deleting or renaming the entry: MANAGE and EDIT, refused below them (carried out in the ownership tests).
          if (RANK[level] < RANK.MANAGE) {
            const deleted = await call(who, 'DELETE', `${A}/registered-models/delete`, { name });
            if (deleted.status !== 403) failures.push(`${level} delete: ${deleted.status}`);
          }
          if (RANK[level] < RANK.EDIT) {
            const renamed = await call(who, 'POST', `${A}/registered-models/rename`, { name, new_name: `${name}-x` });
            if (renamed.status !== 403) failures.push(`${level} rename: ${renamed.status}`);
          }
        }
        expect(failures).to.deep.equal([]);
      });
    }

    it('does not let a grant on a registered model named X satisfy a prompt named X, nor the other way round', async () => {
      const prompt = { name: 'reg-cross-prompt', tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] };
      expect((await call(world.users.admin, 'POST', `${A}/registered-models/create`, prompt)).status).to.equal(200);
      expect(
        (await call(world.users.admin, 'POST', `${A}/registered-models/create`, { name: 'reg-cross-model' })).status,
      ).to.equal(200);
      await cli(['grant', '--registered-model', 'reg-cross-prompt', '--user', 'outsider', '--permission', 'MANAGE']);
      await cli(['grant', '--prompt', 'reg-cross-model', '--user', 'outsider', '--permission', 'MANAGE']);
      for (const name of ['reg-cross-prompt', 'reg-cross-model']) {
        expect(
          (await call(world.users.outsider, 'GET', `${A}/registered-models/get?${q({ name })}`)).status,
          name,
        ).to.equal(403);
      }
      const listed = await allPages(world.users.outsider, `${A}/registered-models/search`, 'registered_models', (r) =>
        String(r['name']),
      );
      expect(listed.seen).to.not.include.members(['reg-cross-prompt']);
      expect(listed.seen).to.not.include.members(['reg-cross-model']);
      await cli(['grant', '--prompt', 'reg-cross-prompt', '--user', 'outsider', '--permission', 'READ']);
      expect(
        (await call(world.users.outsider, 'GET', `${A}/registered-models/get?${q({ name: 'reg-cross-prompt' })}`))
          .status,
      ).to.equal(200);
    });

    it('refuses the prompt tag on set-tag to all but administrators (it would move the entry to the other type)', async () => {
      const name = 'reg-e2e-churn';
      const flip = await call(world.users.editor, 'POST', `${A}/registered-models/set-tag`, {
        name,
        key: 'mlflow.prompt.is_prompt',
        value: 'true',
      });
      expect(flip.status).to.equal(403);
      expect(flip.body['message']).to.include('reserved');
      const unflip = await call(world.users.editor, 'DELETE', `${A}/registered-models/delete-tag`, {
        name,
        key: 'mlflow.prompt.is_prompt',
      });
      expect(unflip.status).to.equal(403);
    });
  });

  describe('ownership', () => {
    it('makes the creator MANAGE, carries grants along a rename, and sweeps them on delete', async () => {
      const made = await call(world.users.editor, 'POST', `${A}/registered-models/create`, { name: 'reg-own' });
      expect(made.status).to.equal(200);
      await cli(['grant', '--registered-model', 'reg-own', '--user', 'reader', '--permission', 'READ']);
      const renamed = await call(world.users.editor, 'POST', `${A}/registered-models/rename`, {
        name: 'reg-own',
        new_name: 'reg-own-2',
      });
      expect(renamed.status).to.equal(200);
      expect(renamed.warning).to.equal(null);
      expect(
        (await call(world.users.reader, 'GET', `${A}/registered-models/get?${q({ name: 'reg-own-2' })}`)).status,
      ).to.equal(200);
      expect(await cli(['grants', '--registered-model', 'reg-own'])).to.not.match(/reader|editor/);
      expect(await cli(['grants', '--registered-model', 'reg-own-2'])).to.match(/editor.*MANAGE/);
      expect(
        (await call(world.users.reader, 'DELETE', `${A}/registered-models/delete`, { name: 'reg-own-2' })).status,
      ).to.equal(403);
      expect(
        (await call(world.users.editor, 'DELETE', `${A}/registered-models/delete`, { name: 'reg-own-2' })).status,
      ).to.equal(200);
      expect(await cli(['grants', '--registered-model', 'reg-own-2'])).to.not.match(/reader|editor/);
      // A later entry of the same name, of the other type, starts clean: only its creator holds it.
      const again = { name: 'reg-own-2', tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] };
      expect((await call(world.users.outsider, 'POST', `${A}/registered-models/create`, again)).status).to.equal(200);
      expect(
        (await call(world.users.editor, 'GET', `${A}/registered-models/get?${q({ name: 'reg-own-2' })}`)).status,
      ).to.equal(403);
      expect(
        (await call(world.users.reader, 'GET', `${A}/registered-models/get?${q({ name: 'reg-own-2' })}`)).status,
      ).to.equal(403);
      expect(
        (await call(world.users.outsider, 'GET', `${A}/registered-models/get?${q({ name: 'reg-own-2' })}`)).status,
      ).to.equal(200);
      expect(await cli(['grants', '--prompt', 'reg-own-2'])).to.match(/outsider.*MANAGE/);
    });

    it('limits who may create registered models and prompts, each type by its own option', async () => {
      const gateway = await startExtraGateway('registry-creators', {
        MLGATE_PERMISSIONS_PROMPT_CREATORS: 'prompt-makers',
      });
      try {
        const prompt = { name: 'reg-restricted-prompt', tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] };
        const refused = await call(world.users.editor, 'POST', `${A}/registered-models/create`, prompt, gateway.url);
        expect(refused.status).to.equal(403);
        expect(refused.body['message']).to.include('prompt_creators');
        const model = await call(
          world.users.editor,
          'POST',
          `${A}/registered-models/create`,
          { name: 'reg-unrestricted-model' },
          gateway.url,
        );
        expect(model.status).to.equal(200);
        const mlflow = await fetch(
          `${world.mlflow.url}${A}/registered-models/get?${q({ name: 'reg-restricted-prompt' })}`,
        );
        expect(mlflow.status, 'the refused prompt was never created').to.equal(404);
      } finally {
        await gateway.stop();
      }
    });
  });
});
