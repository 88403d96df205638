/**
 * Declarative permissions end to end (issue 8, item 6): `mlgate apply` reconciles a file of groups, grants (by
 * experiment id and by name, looked up in the real MLflow) and regex rules into FerretDB; `--dry-run` writes
 * nothing; a second apply changes nothing; `mlgate export` gives the file back; what the CLI or the creator grant
 * made is left alone; the gateway enforces the result.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { expect } from 'chai';
import { parse } from 'yaml';

import { runCli } from '../../scripts/services.js';
import { type Credentials, basic, cli, world } from './world.js';

async function createExperiment(name: string): Promise<string> {
  const response = await fetch(`${world.gateway.url}/api/2.0/mlflow/experiments/create`, {
    method: 'POST',
    headers: { authorization: basic(world.users.admin), 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  expect(response.status).to.equal(200);
  return ((await response.json()) as { experiment_id: string }).experiment_id;
}

async function status(who: Credentials, id: string): Promise<number> {
  const response = await fetch(`${world.gateway.url}/api/2.0/mlflow/experiments/get?experiment_id=${id}`, {
    headers: { authorization: basic(who) },
  });
  await response.arrayBuffer();
  return response.status;
}

async function eventually(check: () => Promise<boolean>): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > 3_000) throw new Error('not in effect after 3 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type Grant = { principal_type: string; principal: string; permission: string };

async function grantsOf(id: string): Promise<string[]> {
  const grants = JSON.parse(await cli(['grants', '--experiment', id, '--json'])) as Grant[];
  return grants.map((g) => `${g.principal_type}:${g.principal}:${g.permission}`).sort();
}

describe('mlgate apply and export (e2e)', function () {
  this.timeout(180_000);
  const file = (name: string) => join(world.dir, name);
  let ids: { byId: string; byName: string; ruled: string };
  let member: Credentials;

  before(async () => {
    ids = {
      byId: await createExperiment('ap-by-id'),
      byName: await createExperiment('ap-by-name'),
      ruled: await createExperiment('ap-team/models'),
    };
    await cli(['user', 'create', 'ap-member', '--group', 'ap-team']);
    member = { username: 'ap-member', token: await cli(['token', 'create', 'ap-member']) };
    // Made by hand before GitOps: apply must leave it alone.
    await cli(['grant', '--experiment', ids.byId, '--user', 'ap-bystander', '--permission', 'EDIT']);
  });

  const v1 = () => `
groups:
  - name: ap-team
    description: Team AP
    creator_permission: EDIT
grants:
  - experiment: "${ids.byId}"
    group: ap-team
    permission: READ
  - experiment_name: ap-by-name
    user: ap-member
    permission: MANAGE
rules:
  - group: ap-team
    pattern: "ap-team/.*"
    priority: 10
    permission: EDIT
`;

  it('--dry-run prints the changes and writes nothing', async () => {
    writeFileSync(file('v1.yaml'), v1());
    const out = await cli(['apply', file('v1.yaml'), '--dry-run']);
    expect(out.split('\n')).to.deep.equal([
      '+ group ap-team  creator permission EDIT',
      `+ grant experiment ${ids.byId}  group ap-team  READ`,
      `+ grant experiment ${ids.byName}  user ap-member  MANAGE`,
      '+ rule group ap-team  "ap-team/.*"  priority 10 EDIT',
      'Would apply: 4 to create, 0 to update, 0 to delete. (dry run: nothing written)',
    ]);
    // The creator grant of the experiment (made by the gateway) and the hand-made grant.
    expect(await grantsOf(ids.byId)).to.deep.equal(['user:admin:MANAGE', 'user:ap-bystander:EDIT']);
    expect(JSON.parse(await cli(['group', 'list', '--json']))).to.not.deep.include({ name: 'ap-team' });
    expect(await status(member, ids.byId)).to.equal(403);
  });

  it('applies the file, the gateway enforces it, and a second apply changes nothing', async () => {
    expect(await cli(['apply', file('v1.yaml')])).to.contain('Applied: 4 to create, 0 to update, 0 to delete.');
    expect(await grantsOf(ids.byId)).to.deep.equal([
      'group:ap-team:READ',
      'user:admin:MANAGE',
      'user:ap-bystander:EDIT',
    ]);
    expect(await grantsOf(ids.byName)).to.deep.equal(['user:admin:MANAGE', 'user:ap-member:MANAGE']);
    await eventually(async () => (await status(member, ids.ruled)) === 200);
    expect(await status(member, ids.byId)).to.equal(200);
    expect(await status(member, ids.byName)).to.equal(200);
    expect(await cli(['apply', file('v1.yaml')])).to.equal('No changes: the store matches the file.');
  });

  it('export gives back what apply manages, and applying the export changes nothing', async () => {
    const exported = await cli(['export', '--owner', 'default']);
    expect(parse(exported)).to.deep.equal({
      groups: [{ name: 'ap-team', description: 'Team AP', creator_permission: 'EDIT' }],
      grants: [
        { experiment: ids.byId, group: 'ap-team', permission: 'READ' },
        { experiment: ids.byName, user: 'ap-member', permission: 'MANAGE' },
      ].sort((a, b) => (a.experiment < b.experiment ? -1 : 1)),
      rules: [{ group: 'ap-team', pattern: 'ap-team/.*', priority: 10, permission: 'EDIT' }],
    });
    writeFileSync(file('exported.yaml'), exported);
    expect(await cli(['apply', file('exported.yaml')])).to.equal('No changes: the store matches the file.');
    // Without --owner, everything in the store, the hand-made grant too.
    expect((parse(await cli(['export'])) as { grants: unknown[] }).grants).to.deep.include({
      experiment: ids.byId,
      user: 'ap-bystander',
      permission: 'EDIT',
    });
  });

  it('a changed file updates and deletes what apply made, and only that', async () => {
    writeFileSync(
      file('v2.yaml'),
      `
groups:
  - name: ap-team
    description: Team AP
grants:
  - experiment: "${ids.byId}"
    group: ap-team
    permission: EDIT
rules: []
`,
    );
    expect((await cli(['apply', file('v2.yaml')])).split('\n')).to.deep.equal([
      '~ group ap-team  creator permission EDIT -> none',
      `~ grant experiment ${ids.byId}  group ap-team  READ -> EDIT`,
      '- rule group ap-team  "ap-team/.*"  priority 10 EDIT',
      `- grant experiment ${ids.byName}  user ap-member  MANAGE`,
      'Applied: 0 to create, 2 to update, 2 to delete.',
    ]);
    expect(await grantsOf(ids.byId)).to.deep.equal([
      'group:ap-team:EDIT',
      'user:admin:MANAGE',
      'user:ap-bystander:EDIT',
    ]);
    expect(await grantsOf(ids.byName)).to.deep.equal(['user:admin:MANAGE']);
    await eventually(async () => (await status(member, ids.ruled)) === 403);
    expect(await status(member, ids.byName)).to.equal(403);
  });

  it('refuses a bad file whole, naming every problem, and writes nothing', async () => {
    writeFileSync(
      file('bad.yaml'),
      `
grants:
  - { experiment_name: ap-no-such-experiment, group: ap-team, permission: READ }
rules:
  - { group: ap-team, pattern: "(?=look)ahead", priority: 1, permission: READ }
  - { group: ap-team, pattern: "fine/.*", priority: 1, permission: READISH }
`,
    );
    const result = await runCli(['apply', file('bad.yaml')], world.env);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain('rules.1.permission').and.contain('MLGATE_PERMISSIONS_FILE_INVALID');
    writeFileSync(
      file('bad2.yaml'),
      `
grants:
  - { experiment_name: ap-no-such-experiment, group: ap-team, permission: READ }
rules:
  - { group: ap-team, pattern: "(?=look)ahead", priority: 1, permission: READ }
`,
    );
    const second = await runCli(['apply', file('bad2.yaml')], world.env);
    expect(second.code).to.equal(2);
    expect(second.stderr).to.contain('rules.0.pattern').and.contain('look-ahead');
    writeFileSync(
      file('bad3.yaml'),
      `grants:\n  - { experiment_name: ap-no-such-experiment, group: ap-team, permission: READ }\n`,
    );
    const third = await runCli(['apply', file('bad3.yaml')], world.env);
    expect(third.code).to.equal(2);
    expect(third.stderr).to.contain('grants.0.experiment_name: MLflow has no experiment named "ap-no-such-experiment"');
    expect(await grantsOf(ids.byId)).to.deep.equal([
      'group:ap-team:EDIT',
      'user:admin:MANAGE',
      'user:ap-bystander:EDIT',
    ]);
  });
});
