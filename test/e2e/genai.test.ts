/**
 * GenAI routes through mlgate (h/genai): scorers (the real MLflow Python client registers, lists, gets and deletes
 * them), online scoring, issues, label schemas, review queues, prompt optimization and jobs, tried by a user with
 * no grant, READ, EDIT and MANAGE on the experiment and by an administrator. Each gets exactly the level the
 * decision table (docs/routes-genai.md) names; no non-administrator ever gets MLGATE_ROUTE_UNKNOWN.
 */
import { expect } from 'chai';

import { ROUTES } from '../../src/mlflow/routes.js';
import { runClient } from './python.js';
import { type Credentials, basic, cli, world } from './world.js';

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

const A3 = '/api/3.0/mlflow';
const X3 = '/ajax-api/3.0/mlflow';

async function call(as: Credentials, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(world.gateway.url + path, {
    method,
    headers: { authorization: basic(as), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
  } catch {
    return { status: response.status, body: { text } };
  }
}

type Level = 'READ' | 'EDIT' | 'MANAGE';
const RANK: Record<Level | 'NONE', number> = { NONE: 0, READ: 1, EDIT: 2, MANAGE: 3 };

describe('GenAI routes through mlgate: no grant, READ, EDIT, MANAGE and admin', function () {
  this.timeout(300_000);
  let experiment: string;
  let other: string; // administrators only
  let traceId: string;
  const who = (): Record<'NONE' | Level, Credentials> => ({
    NONE: world.users.outsider,
    READ: world.users.reader,
    EDIT: world.users.editor,
    MANAGE: world.users.teammate,
  });
  const admin = (method: string, path: string, body?: unknown) => call(world.users.admin, method, path, body);
  const ok = async (answer: Promise<Answer>): Promise<Record<string, unknown>> => {
    const { status, body } = await answer;
    expect(status, JSON.stringify(body)).to.equal(200);
    return body;
  };

  /**
   * Each caller in turn (and an administrator) sends the request `build` makes for them (fresh objects per caller
   * where the request changes or deletes one): those at `required` or above reach MLflow and get 200, the others
   * get 403 from mlgate.
   */
  async function matrix(
    required: Level,
    build: (caller: string) => Promise<[string, string, unknown?]>,
  ): Promise<void> {
    const callers = [...Object.entries(who()), ['ADMIN', world.users.admin]] as [string, Credentials][];
    for (const [level, credentials] of callers) {
      const [method, path, body] = await build(level);
      const answer = await call(credentials, method, path, body);
      const allowed = level === 'ADMIN' || RANK[level as Level | 'NONE'] >= RANK[required];
      const label = `${level} ${method} ${path}: ${JSON.stringify(answer.body)}`;
      if (allowed) {
        expect(answer.status, label).to.equal(200);
      } else {
        expect(answer.status, label).to.equal(403);
        expect(answer.body['code'], label).to.equal('MLGATE_PERMISSION_DENIED');
      }
    }
  }

  before(async () => {
    experiment = (await ok(admin('POST', '/api/2.0/mlflow/experiments/create', { name: 'genai-shared' })))[
      'experiment_id'
    ] as string;
    other = (await ok(admin('POST', '/api/2.0/mlflow/experiments/create', { name: 'genai-hidden' })))[
      'experiment_id'
    ] as string;
    await cli(['grant', '--experiment', experiment, '--user', 'reader', '--permission', 'READ']);
    await cli(['grant', '--experiment', experiment, '--user', 'editor', '--permission', 'EDIT']);
    await cli(['grant', '--experiment', experiment, '--user', 'teammate', '--permission', 'MANAGE']);
    const traced = await runClient(
      world.users.admin,
      `
mlflow.set_experiment(experiment_id="${experiment}")
@mlflow.trace
def answer(x):
    return x
answer(1)
mlflow.flush_trace_async_logging()
results["trace"] = {"ok": True, "value": mlflow.get_last_active_trace_id()}
`,
    );
    traceId = traced['trace']?.value as string;
    expect(traceId).to.match(/^tr-/);
  });

  it('scorers through the real MLflow client: EDIT registers, READ lists and gets, MANAGE deletes', async () => {
    const script = (name: string) => `
from mlflow.genai.scorers import Guidelines, list_scorers, get_scorer, delete_scorer
results["register"] = attempt(lambda: Guidelines(name="${name}", guidelines=["Be polite."]).register(experiment_id="${experiment}").name)
results["list"] = attempt(lambda: sorted(s.name for s in list_scorers(experiment_id="${experiment}")))
results["get"] = attempt(lambda: get_scorer(name="shared-judge", experiment_id="${experiment}").name)
results["hidden"] = attempt(lambda: [s.name for s in list_scorers(experiment_id="${other}")])
results["delete"] = attempt(lambda: delete_scorer(name="${name}", experiment_id="${experiment}", version="all"))
`;
    await runClient(world.users.admin, script('shared-judge').replace(/results\["delete"\].*\n/, ''));
    const results = Object.fromEntries(
      await Promise.all(
        Object.entries(who()).map(async ([level, credentials]) => [
          level,
          await runClient(credentials, script(`judge-${level.toLowerCase()}`)),
        ]),
      ),
    ) as Record<string, Record<string, { ok: boolean; status?: number; value?: unknown }>>;
    const denied = { ok: false, status: 403 };
    expect(results['NONE']?.['register']).to.include(denied);
    expect(results['NONE']?.['list']).to.include(denied);
    expect(results['NONE']?.['get']).to.include(denied);
    expect(results['READ']?.['register']).to.include(denied);
    expect(results['READ']?.['get']).to.deep.include({ ok: true, value: 'shared-judge' });
    expect(results['READ']?.['list']?.ok).to.equal(true);
    expect(results['EDIT']?.['register']).to.deep.include({ ok: true, value: 'judge-edit' });
    expect(results['MANAGE']?.['register']).to.deep.include({ ok: true, value: 'judge-manage' });
    for (const level of ['NONE', 'READ', 'EDIT', 'MANAGE']) {
      // Another experiment's scorers are not listed to anyone without a grant on it.
      expect(results[level]?.['hidden'], level).to.include(denied);
    }
    // Deleting needs MANAGE: the editor's own scorer stays, the manager's is gone.
    expect(results['EDIT']?.['delete']).to.include(denied);
    expect(results['MANAGE']?.['delete']?.ok).to.equal(true);
    const left = await ok(admin('GET', `${A3}/scorers/list?experiment_id=${experiment}`));
    expect((left['scorers'] as { scorer_name: string }[]).map((s) => s.scorer_name).sort()).to.deep.equal([
      'judge-edit',
      'shared-judge',
    ]);
  });

  it('scorer routes over HTTP, online scoring and invocation', async () => {
    await matrix('READ', () =>
      Promise.resolve(['GET', `${A3}/scorers/get?experiment_id=${experiment}&name=shared-judge`]),
    );
    await matrix('READ', () =>
      Promise.resolve(['GET', `${X3}/scorers/versions?experiment_id=${experiment}&name=shared-judge`]),
    );
    await matrix('READ', () => Promise.resolve(['GET', `${A3}/scorers/list?experiment_ids=${experiment}`]));
    // Several experiments: all must be readable (refused, not narrowed).
    const both = await call(
      world.users.editor,
      'GET',
      `${A3}/scorers/list?experiment_ids=${experiment}&experiment_ids=${other}`,
    );
    expect(both.status).to.equal(403);
    // Every experiment's scorers (no experiment named): administrators only.
    expect((await call(world.users.editor, 'GET', `${A3}/scorers/list`)).status).to.equal(403);
    await matrix('EDIT', () =>
      Promise.resolve([
        'PUT',
        `${X3}/scorers/online-config`,
        { experiment_id: experiment, name: 'shared-judge', sample_rate: 0 },
      ]),
    );
    const listed = await ok(admin('GET', `${A3}/scorers/list?experiment_id=${experiment}`));
    const scorerId = (listed['scorers'] as { scorer_name: string; scorer_id: string }[]).find(
      (s) => s.scorer_name === 'shared-judge',
    )?.scorer_id as string;
    await matrix('READ', () => Promise.resolve(['GET', `${A3}/scorers/online-configs?scorer_ids=${scorerId}`]));
    // A scorer without an online configuration adds nothing: an empty answer, for anyone.
    const none = await call(world.users.outsider, 'GET', `${A3}/scorers/online-configs?scorer_ids=no-such-scorer`);
    expect(none).to.deep.equal({ status: 200, body: { configs: [] } });
    // Invoking a scorer on traces: EDIT (MLflow then fails the job submission: job execution is off here).
    for (const user of [world.users.reader, world.users.outsider]) {
      const refused = await call(user, 'POST', `${X3}/scorer/invoke`, {
        experiment_id: experiment,
        serialized_scorer: '{}',
        trace_ids: [traceId],
      });
      expect(refused.status).to.equal(403);
    }
  });

  it('issues: EDIT creates and updates, READ gets and searches', async () => {
    const created = (level: string) =>
      ok(admin('POST', `${A3}/issues`, { experiment_id: experiment, name: `issue-${level}`, description: 'd' }));
    await matrix('EDIT', (level) =>
      Promise.resolve(['POST', `${A3}/issues`, { experiment_id: experiment, name: `by-${level}`, description: 'd' }]),
    );
    const issue = ((await created('shared'))['issue'] as { issue_id: string }).issue_id;
    await matrix('READ', () => Promise.resolve(['GET', `${A3}/issues/${issue}`]));
    await matrix('EDIT', () =>
      Promise.resolve(['PATCH', `${X3}/issues/${issue}`, { issue_id: issue, description: 'e' }]),
    );
    await matrix('READ', () => Promise.resolve(['POST', `${A3}/issues/search`, { experiment_id: experiment }]));
    // Without an experiment MLflow searches them all: refused to non-administrators.
    expect((await call(world.users.teammate, 'POST', `${A3}/issues/search`, {})).status).to.equal(403);
    expect((await admin('POST', `${A3}/issues/search`, {})).status).to.equal(200);
    // An issue that does not exist is not found for non-administrators.
    expect((await call(world.users.editor, 'GET', `${A3}/issues/iss-nope`)).body['code']).to.equal(
      'MLGATE_RESOURCE_NOT_FOUND',
    );
  });

  it('label schemas: READ reads, MANAGE defines', async () => {
    const schema = async (name: string): Promise<string> =>
      (
        (
          await ok(
            admin('POST', `${A3}/label-schemas/create`, {
              experiment_id: experiment,
              name,
              type: 'FEEDBACK',
              input: { text: {} },
            }),
          )
        )['label_schema'] as { schema_id: string }
      ).schema_id;
    const shared = await schema('quality');
    await matrix('MANAGE', (level) =>
      Promise.resolve([
        'POST',
        `${A3}/label-schemas/create`,
        { experiment_id: experiment, name: `by-${level}`, type: 'FEEDBACK', input: { text: {} } },
      ]),
    );
    await matrix('READ', () => Promise.resolve(['GET', `${A3}/label-schemas/get?schema_id=${shared}`]));
    await matrix('READ', () =>
      Promise.resolve(['GET', `${A3}/label-schemas/get-by-name?experiment_id=${experiment}&name=quality`]),
    );
    await matrix('READ', () => Promise.resolve(['GET', `${X3}/label-schemas/list?experiment_id=${experiment}`]));
    await matrix('MANAGE', () =>
      Promise.resolve(['PATCH', `${A3}/label-schemas/update`, { schema_id: shared, instruction: 'rate it' }]),
    );
    await matrix('MANAGE', async (level) => [
      'DELETE',
      `${A3}/label-schemas/delete`,
      { schema_id: await schema(`doomed-${level}`) },
    ]);
  });

  it('review queues: READ reads, EDIT routes work and reviews, MANAGE reshapes and deletes', async () => {
    const queue = async (name: string): Promise<string> =>
      (
        (
          await ok(
            admin('POST', `${A3}/review-queues/create`, {
              experiment_id: experiment,
              name,
              queue_type: 'CUSTOM',
              users: ['reader'],
            }),
          )
        )['review_queue'] as { queue_id: string }
      ).queue_id;
    await matrix('EDIT', (level) =>
      Promise.resolve([
        'POST',
        `${A3}/review-queues/create`,
        { experiment_id: experiment, name: `q-${level}`, queue_type: 'CUSTOM' },
      ]),
    );
    const shared = await queue('shared-queue');
    await matrix('READ', () => Promise.resolve(['GET', `${A3}/review-queues/get?queue_id=${shared}`]));
    await matrix('READ', () =>
      Promise.resolve(['GET', `${A3}/review-queues/get-by-name?experiment_id=${experiment}&name=shared-queue`]),
    );
    await matrix('READ', () => Promise.resolve(['GET', `${X3}/review-queues/list?experiment_id=${experiment}`]));
    await matrix('EDIT', () =>
      Promise.resolve(['POST', `${A3}/review-queues/items/add`, { queue_id: shared, item_ids: [traceId] }]),
    );
    const items = await ok(admin('GET', `${A3}/review-queues/items/list?queue_id=${shared}`));
    const itemId = (items['items'] as { item_id: string }[])[0]?.item_id as string;
    await matrix('READ', () => Promise.resolve(['GET', `${A3}/review-queues/items/list?queue_id=${shared}`]));
    await matrix('EDIT', () =>
      Promise.resolve([
        'POST',
        `${A3}/review-queues/items/set-status`,
        { queue_id: shared, item_id: itemId, status: 'COMPLETE', completed_by: 'someone' },
      ]),
    );
    await matrix('MANAGE', () =>
      Promise.resolve([
        'POST',
        `${A3}/review-queues/update`,
        { queue_id: shared, users: ['editor'], update_users: true },
      ]),
    );
    await matrix('MANAGE', async (level) => {
      const doomed = await queue(`prune-${level}`);
      await ok(admin('POST', `${A3}/review-queues/items/add`, { queue_id: doomed, item_ids: [traceId] }));
      const listed = await ok(admin('GET', `${A3}/review-queues/items/list?queue_id=${doomed}`));
      return [
        'POST',
        `${A3}/review-queues/items/remove`,
        { queue_id: doomed, item_ids: [(listed['items'] as { item_id: string }[])[0]?.item_id] },
      ];
    });
    await matrix('MANAGE', async (level) => [
      'POST',
      `${A3}/review-queues/delete`,
      { queue_id: await queue(`gone-${level}`) },
    ]);
    await matrix('EDIT', (level) =>
      Promise.resolve([
        'POST',
        `${A3}/review-queues/get-or-create-user`,
        { experiment_id: experiment, user: `u-${level}` },
      ]),
    );
  });

  it('prompt optimization and jobs: refused before MLflow unless the experiment and the source prompt allow it', async () => {
    await matrix('READ', () =>
      Promise.resolve(['POST', `${A3}/prompt-optimization/jobs/search`, { experiment_id: experiment }]),
    );
    const optimize = (uri: string, extra: Record<string, unknown> = {}) => ({
      experiment_id: experiment,
      source_prompt_uri: uri,
      config: { optimizer_type: 'OPTIMIZER_TYPE_GEPA', scorers: ['shared-judge'], ...extra },
    });
    // READ on the experiment is not enough; EDIT without a grant on the prompt is refused too.
    for (const user of [world.users.reader, world.users.editor, world.users.outsider]) {
      const refused = await call(user, 'POST', `${A3}/prompt-optimization/jobs`, optimize('prompts:/genai-qa@prod'));
      expect(refused.status, user.username).to.equal(403);
    }
    await cli(['grant', '--prompt', 'genai-qa', '--user', 'editor', '--permission', 'READ']);
    // With READ on the prompt the editor reaches MLflow (which then fails: no such prompt, no job runner here).
    const reached = await call(
      world.users.editor,
      'POST',
      `${A3}/prompt-optimization/jobs`,
      optimize('prompts:/genai-qa@prod'),
    );
    expect(reached.body['code'], JSON.stringify(reached.body)).to.equal(undefined);
    // A bare name with an @ is read both ways: READ on "genai-qa@prod" is missing.
    expect(
      (await call(world.users.editor, 'POST', `${A3}/prompt-optimization/jobs`, optimize('genai-qa@prod'))).status,
    ).to.equal(403);
    // A reflection model on an AI gateway endpoint: administrators only.
    const gateway = await call(
      world.users.teammate,
      'POST',
      `${A3}/prompt-optimization/jobs`,
      optimize('prompts:/genai-qa@prod', { optimizer_config_json: '{"reflection_model": "gateway:/ep"}' }),
    );
    expect(gateway.body['code'], JSON.stringify(gateway.body)).to.equal('MLGATE_RESOURCE_NOT_FOUND');
    // Jobs that do not exist (none run here): not found for non-administrators; submitting one is admin only.
    for (const path of [
      `${A3}/prompt-optimization/jobs/no-such-job`,
      `${X3}/jobs/no-such-job`,
      '/ajax-api/3.0/jobs/no-such-job',
    ]) {
      expect((await call(world.users.teammate, 'GET', path)).body['code'], path).to.equal('MLGATE_RESOURCE_NOT_FOUND');
    }
    const submit = await call(world.users.teammate, 'POST', '/ajax-api/3.0/jobs/', {
      job_name: 'optimize_prompts',
      params: {},
    });
    expect(submit.body['code']).to.equal('MLGATE_ADMIN_REQUIRED');
    await matrix('READ', () =>
      Promise.resolve([
        'POST',
        '/ajax-api/3.0/jobs/search',
        { job_name: 'optimize_prompts', params: { experiment_id: experiment } },
      ]),
    );
    expect((await call(world.users.teammate, 'POST', '/ajax-api/3.0/jobs/search', {})).status).to.equal(403);
  });

  it('demo data and unimplemented routes are for administrators; no route of these families is unknown', async () => {
    expect((await call(world.users.teammate, 'POST', `${X3}/demo/generate`, {})).body['code']).to.equal(
      'MLGATE_ADMIN_REQUIRED',
    );
    expect((await call(world.users.teammate, 'GET', '/api/2.0/mlflow/unified-traces')).body['code']).to.equal(
      'MLGATE_ADMIN_REQUIRED',
    );
    const genai = ROUTES.filter((route) =>
      /scorer|issues|label-schemas|review-queues|prompt-optimization|jobs|demo|unified-traces|online-trace|genai|2\.0mlflow/.test(
        route.prefixes[0] + route.path,
      ),
    );
    expect(genai.length).to.be.greaterThan(45);
    for (const route of genai) {
      for (const prefix of route.prefixes) {
        const path = (prefix + route.path).replace(/<[^>]+>|\{[^}]+\}/g, 'x');
        const answer = await call(world.users.outsider, route.method, path, route.method === 'GET' ? undefined : {});
        expect(answer.body['code'], `${route.method} ${path}`).to.not.equal('MLGATE_ROUTE_UNKNOWN');
      }
    }
  });
});
