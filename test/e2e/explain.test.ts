/**
 * `mlgate explain` end to end (issue 8, item 7): the CLI, run as a child process against the real FerretDB, MLflow
 * and the shipped bundle, names what decided (a user grant, the highest of two group grants, a group-regex rule by
 * id and pattern, a NO_PERMISSIONS rule, the default, an administrator, an unknown route), and agrees with what
 * the running gateway does with the same request.
 */
import { expect } from 'chai';

import { runCli } from '../../scripts/services.js';
import { buildGatewayBundle, writeKeyPair } from '../helpers/policy-bundle.js';
import { tempDir } from '../helpers/tmp.js';
import { type Credentials, basic, cli, world } from './world.js';

interface Explained {
  allowed: boolean;
  principal: { username: string; hypothetical: boolean; groups: string[]; admin: string[] };
  route: { operation: string } | null;
  targets: { id: string; via: string; exists: boolean; name?: string }[];
  checks: {
    id: string;
    required: string;
    permission: string;
    source: string;
    group?: string;
    rule?: string;
    satisfied: boolean;
    decided_by: Record<string, unknown>;
  }[];
  decision: { allow: boolean; reasons: string[]; obligations: { type: string }[] };
  refusal: { status: number; code: string; message: string } | null;
  permission_data_version: string;
}

interface Request {
  readonly method: string;
  readonly path: string;
  readonly body?: object;
}

const getExperiment = (id: string): Request => ({
  method: 'GET',
  path: `/api/2.0/mlflow/experiments/get?experiment_id=${id}`,
});
const setTag = (id: string): Request => ({
  method: 'POST',
  path: '/api/2.0/mlflow/experiments/set-experiment-tag',
  body: { experiment_id: id, key: 'explained', value: 'yes' },
});

function explainArgs(who: string[], request: Request, extra: string[] = []): string[] {
  return [
    'explain',
    ...who,
    request.method,
    request.path,
    ...(request.body === undefined ? [] : ['--body', JSON.stringify(request.body)]),
    ...extra,
  ];
}

async function explain(who: string[], request: Request): Promise<{ code: number; json: Explained }> {
  const result = await runCli(explainArgs(who, request, ['--json']), world.env);
  expect(result.code, result.stderr).to.be.oneOf([0, 3]);
  const json = JSON.parse(result.stdout) as Explained;
  expect(result.code, 'exit status').to.equal(json.allowed ? 0 : 3);
  return { code: result.code, json };
}

async function explainText(who: string[], request: Request): Promise<string> {
  const result = await runCli(explainArgs(who, request), world.env);
  expect(result.code, result.stderr).to.be.oneOf([0, 3]);
  return result.stdout;
}

/** The same request through the running gateway: its status. */
async function through(who: Credentials, request: Request): Promise<number> {
  const response = await fetch(`${world.gateway.url}${request.path}`, {
    method: request.method,
    headers: {
      authorization: basic(who),
      ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
  });
  await response.arrayBuffer();
  return response.status;
}

async function createExperiment(name: string): Promise<string> {
  const response = await fetch(`${world.gateway.url}/api/2.0/mlflow/experiments/create`, {
    method: 'POST',
    headers: { authorization: basic(world.users.admin), 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  expect(response.status, await response.clone().text()).to.equal(200);
  return ((await response.json()) as { experiment_id: string }).experiment_id;
}

/** Waits until the gateway decides from the permission data version explain read. */
async function gatewayHasVersion(version: string): Promise<void> {
  const started = Date.now();
  for (;;) {
    const ready = (await (await fetch(`${world.gateway.url}/_mlgate/health/ready`)).json()) as {
      checks: { permission_data: { version: string } };
    };
    if (ready.checks.permission_data.version === version) return;
    if (Date.now() - started > 5_000) throw new Error(`the gateway did not load permission data ${version}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('mlgate explain (e2e, real FerretDB, MLflow and shipped bundle)', function () {
  this.timeout(180_000);
  const ids: Record<string, string> = {};
  const rules: Record<string, string> = {};
  let solo: Credentials;
  let member: Credentials;

  before(async () => {
    await cli(['user', 'create', 'ex-solo']);
    await cli(['user', 'create', 'ex-member', '--group', 'ex-team-a', '--group', 'ex-team-b']);
    solo = { username: 'ex-solo', token: await cli(['token', 'create', 'ex-solo']) };
    member = { username: 'ex-member', token: await cli(['token', 'create', 'ex-member']) };
    for (const name of ['ex/own', 'ex/groups', 'ex/other', 'ex-rx/exp', 'ex-rx/frozen']) {
      ids[name] = await createExperiment(name);
    }
    await cli(['grant', '--experiment', ids['ex/own']!, '--user', 'ex-solo', '--permission', 'READ']);
    await cli(['grant', '--experiment', ids['ex/groups']!, '--group', 'ex-team-a', '--permission', 'READ']);
    await cli(['grant', '--experiment', ids['ex/groups']!, '--group', 'ex-team-b', '--permission', 'EDIT']);
    const add = async (pattern: string, priority: string, permission: string): Promise<string> =>
      (
        JSON.parse(
          await cli([
            'rule',
            'add',
            '--group',
            'ex-team-a',
            '--pattern',
            pattern,
            '--priority',
            priority,
            '--permission',
            permission,
            '--json',
          ]),
        ) as { id: string }
      ).id;
    rules['allow'] = await add('ex-rx/.*', '10', 'EDIT');
    rules['deny'] = await add('ex-rx/frozen', '1', 'NO_PERMISSIONS');
  });

  after(async () => {
    for (const id of Object.values(rules)) {
      await runCli(['rule', 'remove', id], world.env);
    }
  });

  it("names the user's own grant, and agrees with the gateway", async () => {
    const { json } = await explain(['--user', 'ex-solo'], getExperiment(ids['ex/own']!));
    expect(json.allowed).to.equal(true);
    expect(json.route?.operation).to.equal('GetExperiment');
    expect(json.decision.reasons).to.deep.equal(['grant:user']);
    expect(json.checks).to.have.length(1);
    expect(json.checks[0]).to.deep.include({ id: ids['ex/own'], required: 'READ', permission: 'READ', source: 'user' });
    expect(json.checks[0]?.decided_by).to.deep.equal({
      source: 'user',
      grant: { principal_type: 'user', principal: 'ex-solo', permission: 'READ' },
    });
    await gatewayHasVersion(json.permission_data_version);
    expect(await through(solo, getExperiment(ids['ex/own']!))).to.equal(200);

    // The same user may not write there: READ is not EDIT.
    const write = await explain(['--user', 'ex-solo'], setTag(ids['ex/own']!));
    expect(write.code).to.equal(3);
    expect(write.json.refusal).to.deep.include({ status: 403, code: 'MLGATE_PERMISSION_DENIED' });
    expect(await through(solo, setTag(ids['ex/own']!))).to.equal(403);
  });

  it('names the highest of two group grants, for the user and for a hypothetical member', async () => {
    const { json } = await explain(['--user', 'ex-member'], setTag(ids['ex/groups']!));
    expect(json.allowed).to.equal(true);
    expect(json.principal.groups).to.have.members(['ex-team-a', 'ex-team-b']);
    expect(json.checks[0]).to.deep.include({
      required: 'EDIT',
      permission: 'EDIT',
      source: 'group',
      group: 'ex-team-b',
    });
    expect(json.checks[0]?.decided_by).to.deep.equal({
      source: 'group',
      grant: { principal_type: 'group', principal: 'ex-team-b', permission: 'EDIT' },
      group_grants: [
        { principal_type: 'group', principal: 'ex-team-a', permission: 'READ' },
        { principal_type: 'group', principal: 'ex-team-b', permission: 'EDIT' },
      ],
    });
    await gatewayHasVersion(json.permission_data_version);
    expect(await through(member, setTag(ids['ex/groups']!))).to.equal(200);

    // A hypothetical member of team-a alone has only READ there.
    const hypothetical = await explain(['--group', 'ex-team-a'], setTag(ids['ex/groups']!));
    expect(hypothetical.json.principal).to.deep.include({ username: '<group member>', hypothetical: true });
    expect(hypothetical.json.allowed).to.equal(false);
    expect(hypothetical.json.checks[0]).to.deep.include({ permission: 'READ', source: 'group', group: 'ex-team-a' });
    const both = await explain(['--group', 'ex-team-a', '--group', 'ex-team-b'], setTag(ids['ex/groups']!));
    expect(both.json.allowed).to.equal(true);
    expect(both.json.checks[0]?.group).to.equal('ex-team-b');

    const text = await explainText(['--user', 'ex-member'], setTag(ids['ex/groups']!));
    expect(text).to.include('Operation:   SetExperimentTag');
    expect(text).to.include('decided by the grant of group ex-team-b (EDIT)');
    expect(text).to.include('Decision:    ALLOW');
  });

  it('names a group-regex rule by id and pattern, looking the name up in MLflow', async () => {
    const { json } = await explain(['--user', 'ex-member'], setTag(ids['ex-rx/exp']!));
    expect(json.allowed).to.equal(true);
    expect(json.targets[0]).to.deep.include({ id: ids['ex-rx/exp'], name: 'ex-rx/exp', exists: true });
    expect(json.checks[0]).to.deep.include({ source: 'group-regex', rule: rules['allow'], permission: 'EDIT' });
    expect(json.checks[0]?.decided_by).to.deep.equal({
      source: 'group-regex',
      rule_id: rules['allow'],
      rule: {
        id: rules['allow'],
        principal_type: 'group',
        principal: 'ex-team-a',
        pattern: 'ex-rx/.*',
        priority: 10,
        permission: 'EDIT',
      },
    });
    await gatewayHasVersion(json.permission_data_version);
    expect(await through(member, setTag(ids['ex-rx/exp']!))).to.equal(200);
    const text = await explainText(['--user', 'ex-member'], setTag(ids['ex-rx/exp']!));
    expect(text).to.include(
      `decided by regex rule ${rules['allow']} of group ex-team-a: pattern "ex-rx/.*", priority 10, EDIT`,
    );
  });

  it("explains a NO_PERMISSIONS rule's deny (exit 3), as the gateway refuses it", async () => {
    const { code, json } = await explain(['--user', 'ex-member'], getExperiment(ids['ex-rx/frozen']!));
    expect(code).to.equal(3);
    expect(json.decision.reasons).to.deep.equal(['explicit-deny', 'no-permission']);
    expect(json.checks[0]).to.deep.include({
      source: 'group-regex',
      rule: rules['deny'],
      permission: 'NO_PERMISSIONS',
      satisfied: false,
    });
    expect(json.checks[0]?.decided_by).to.deep.include({ rule_id: rules['deny'] });
    expect(json.refusal).to.deep.include({ status: 403, code: 'MLGATE_PERMISSION_DENIED' });
    expect(json.refusal?.message).to.include(`NO_PERMISSIONS (group-regex rule ${rules['deny']})`);
    await gatewayHasVersion(json.permission_data_version);
    expect(await through(member, getExperiment(ids['ex-rx/frozen']!))).to.equal(403);
    const text = await explainText(['--user', 'ex-member'], getExperiment(ids['ex-rx/frozen']!));
    expect(text).to.include('pattern "ex-rx/frozen", priority 1, NO_PERMISSIONS');
    expect(text).to.include('Decision:    DENY');
    expect(text).to.include('Answer:      403 MLGATE_PERMISSION_DENIED');
  });

  it('explains the default when nothing answers', async () => {
    const { code, json } = await explain(['--user', 'ex-solo'], getExperiment(ids['ex/other']!));
    expect(code).to.equal(3);
    expect(json.checks[0]).to.deep.include({ source: 'default', permission: 'NO_PERMISSIONS' });
    expect(json.checks[0]?.decided_by).to.deep.equal({ source: 'default', default_permission: 'NO_PERMISSIONS' });
    await gatewayHasVersion(json.permission_data_version);
    expect(await through(solo, getExperiment(ids['ex/other']!))).to.equal(403);
  });

  it('explains an administrator (flag and admin group) and a hypothetical one', async () => {
    for (const [who, creds, ground] of [
      ['admin', world.users.admin, 'flag'],
      ['group-admin', world.users.groupAdmin, 'group:mlflow-admin'],
    ] as const) {
      const { code, json } = await explain(['--user', who], setTag(ids['ex-rx/frozen']!));
      expect(code, who).to.equal(0);
      expect(json.decision.reasons).to.deep.equal(['admin']);
      expect(json.principal.admin).to.deep.equal([ground]);
      expect(json.checks).to.deep.equal([]);
      expect(await through(creds, setTag(ids['ex-rx/frozen']!))).to.equal(200);
    }
    const hypothetical = await explain(['--group', 'someone', '--admin'], setTag(ids['ex-rx/frozen']!));
    expect(hypothetical.json.decision.reasons).to.deep.equal(['admin']);
    expect(await explainText(['--user', 'admin'], setTag(ids['ex-rx/frozen']!))).to.include(
      "an administrator (the store's admin flag)",
    );
  });

  it('explains an unknown route: administrators only (MLGATE_ROUTE_UNKNOWN)', async () => {
    const unknown: Request = { method: 'GET', path: '/api/2.0/mlflow/no-such-endpoint' };
    const { code, json } = await explain(['--user', 'ex-solo'], unknown);
    expect(code).to.equal(3);
    expect(json.route).to.equal(null);
    expect(json.decision.reasons).to.deep.equal(['route-unknown']);
    expect(json.refusal).to.deep.include({ status: 403, code: 'MLGATE_ROUTE_UNKNOWN' });
    expect(await through(solo, unknown)).to.equal(403);
    const text = await explainText(['--user', 'ex-solo'], unknown);
    expect(text).to.include('is not in the route catalogue, so only administrators may call it (MLGATE_ROUTE_UNKNOWN)');
    const admin = await explain(['--user', 'admin'], unknown);
    expect(admin.code).to.equal(0);
    expect(admin.json.decision.reasons).to.deep.equal(['admin']);
  });

  it('decides with the configured bundle, its signature checked as the gateway checks it', async () => {
    const tmp = tempDir('explain-bundles');
    try {
      const keys = writeKeyPair(tmp.path, 'ci');
      const other = writeKeyPair(tmp.path, 'other');
      // A team's own policy that refuses ex-solo everything it may otherwise do.
      const signed = await buildGatewayBundle(tmp.path, 'signed', {
        revision: 'git-explain-1',
        refuseUser: 'ex-solo',
        signingKey: keys.privateKey,
      });
      const forged = await buildGatewayBundle(tmp.path, 'forged', {
        revision: 'git-forged',
        signingKey: other.privateKey,
      });
      const withBundle = (bundle: string) => ({
        ...world.env,
        MLGATE_POLICY_BUNDLE: bundle,
        MLGATE_POLICY_SIGNING_KEY: keys.publicKey,
      });
      const request = explainArgs(['--user', 'ex-solo'], getExperiment(ids['ex/own']!), ['--json']);
      const own = await runCli(request, withBundle(signed));
      expect(own.code, own.stderr).to.equal(3);
      const json = JSON.parse(own.stdout) as Explained & { policy_revision: string };
      expect(json.policy_revision).to.equal('git-explain-1');
      expect(json.decision.reasons).to.deep.equal(['no-permission']);
      // The shipped bundle allows the same request.
      expect((await runCli(request, world.env)).code).to.equal(0);

      const refused = await runCli(request, withBundle(forged));
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.include('MLGATE_POLICY_UNAVAILABLE').and.include('signature');
      expect(refused.stdout).to.equal('');
    } finally {
      tmp.remove();
    }
  });

  it('refuses an unknown user (exit 1) and bad input (exit 2)', async () => {
    const unknownUser = await runCli(explainArgs(['--user', 'ex-nobody'], getExperiment('1')), world.env);
    expect(unknownUser.code).to.equal(1);
    expect(unknownUser.stderr).to.include('User "ex-nobody" does not exist').and.include('MLGATE_NO_SUCH_OBJECT');
    for (const args of [
      ['explain', 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=1'],
      ['explain', '--user', 'ex-solo', '--group', 'x', 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=1'],
      ['explain', '--user', 'ex-solo', 'GET'],
      ['explain', '--user', 'ex-solo', 'GET', 'experiments/get'],
      ['explain', '--user', 'ex-solo', 'POST', '/api/2.0/mlflow/experiments/set-experiment-tag', '--body', '{'],
    ]) {
      const result = await runCli(args, world.env);
      expect(result.code, args.join(' ')).to.equal(2);
      expect(result.stderr, args.join(' ')).to.match(/MLGATE_USAGE|MLGATE_REQUEST_INVALID/);
    }
  });
});
