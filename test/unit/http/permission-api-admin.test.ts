/**
 * The permissions API (/_mlgate/api/grants, rules, groups) as an administrator uses it, in the real app with the real
 * policy over the in-memory store: what it accepts, what it refuses (the CLI's validation, with 4xx and stable codes),
 * that rules and groups are for administrators only, and that every change bumps the permission version.
 */
import { expect } from 'chai';

import { type ApiAnswer, apiCall, outcome } from '../../helpers/api-call.js';
import { type Pipeline, startPipeline } from '../../helpers/pipeline.js';

describe('permissions API: administrators, validation', () => {
  let pipeline: Pipeline;
  let admin: string;
  let groupAdmin: string;
  let member: string;
  let changes = 0;
  const call = (auth: string | null, method: string, path: string, body?: unknown): Promise<ApiAnswer> =>
    apiCall(pipeline.url, method, path, auth, body);

  before(async () => {
    pipeline = await startPipeline({}, { onChange: () => (changes += 1) });
    admin = await pipeline.user('root');
    await pipeline.store.users.update('root', { isAdmin: true });
    groupAdmin = await pipeline.user('lead');
    await pipeline.store.users.update('lead', { groups: ['mlflow-admin'] });
    member = await pipeline.user('member');
  });

  after(() => pipeline.close());

  it('refuses anonymous callers (401)', async () => {
    expect(outcome(await call(null, 'GET', '/groups'))).to.deep.equal([401, 'MLGATE_AUTH_REQUIRED']);
  });

  it('defines, lists, changes and deletes a group, bumping the version each time', async () => {
    const version = await pipeline.store.permissionVersion.read();
    const before = changes;
    const created = await call(admin, 'POST', '/groups', {
      name: 'team/a',
      description: 'Team A',
      creator_permission: 'edit',
    });
    expect(created.status).to.equal(201);
    expect(created.body).to.deep.include({
      name: 'team/a',
      description: 'Team A',
      creator_permission: 'EDIT',
      created_by: 'api:root',
    });
    expect(await pipeline.store.permissionVersion.read()).to.not.deep.equal(version);
    const listed = await call(groupAdmin, 'GET', '/groups');
    expect((listed.body['groups'] as { name: string }[]).map((g) => g.name)).to.deep.equal(['team/a']);
    const changed = await call(admin, 'PATCH', '/groups/team/a', { creator_permission: null });
    expect([changed.status, changed.body['creator_permission']]).to.deep.equal([200, null]);
    await pipeline.store.grants.put({
      resourceType: 'experiment',
      resourceId: '5',
      principalType: 'group',
      principal: 'team/a',
      permission: 'READ',
      createdBy: 't',
    });
    const deleted = await call(admin, 'DELETE', '/groups/team/a');
    expect(deleted.body).to.deep.equal({
      deleted: 'team/a',
      defined: true,
      grants_removed: 1,
      rules_removed: 0,
      members_removed: 0,
    });
    expect(changes - before).to.equal(3);
  });

  it('refuses bad group input and unknown groups', async () => {
    expect(outcome(await call(admin, 'POST', '/groups', { name: '-bad' }))).to.deep.equal([
      400,
      'MLGATE_REQUEST_INVALID',
    ]);
    const level = await call(admin, 'POST', '/groups', { name: 'g1', creator_permission: 'NO_PERMISSIONS' });
    expect(outcome(level)).to.deep.equal([400, 'MLGATE_REQUEST_INVALID']);
    expect(level.body['message']).to.equal('creator_permission must be one of READ, USE, EDIT, MANAGE or null.');
    expect(outcome(await call(admin, 'POST', '/groups', { name: 'g1', owner: 'x' }))).to.deep.equal([
      400,
      'MLGATE_REQUEST_INVALID',
    ]);
    expect(outcome(await call(admin, 'PATCH', '/groups/ghost', { description: 'x' }))).to.deep.equal([
      404,
      'MLGATE_NO_SUCH_OBJECT',
    ]);
    expect(outcome(await call(admin, 'PATCH', '/groups/ghost', {}))).to.deep.equal([400, 'MLGATE_REQUEST_INVALID']);
    expect(outcome(await call(admin, 'DELETE', '/groups/ghost'))).to.deep.equal([404, 'MLGATE_NO_SUCH_OBJECT']);
    expect((await call(admin, 'POST', '/groups', { name: 'dup' })).status).to.equal(201);
    expect(outcome(await call(admin, 'POST', '/groups', { name: 'dup' }))).to.deep.equal([409, 'MLGATE_CONFLICT']);
  });

  it('adds, lists and removes regex rules', async () => {
    const added = await call(admin, 'POST', '/rules', {
      group: 'team-a',
      pattern: 'team-a/.*',
      priority: 10,
      permission: 'EDIT',
    });
    expect(added.status).to.equal(201);
    expect(added.body).to.deep.include({
      resource_type: 'experiment',
      principal_type: 'group',
      principal: 'team-a',
      pattern: 'team-a/.*',
      priority: 10,
      permission: 'EDIT',
      created_by: 'api:root',
    });
    const listed = await call(admin, 'GET', '/rules?group=team-a');
    expect((listed.body['rules'] as { id: string }[]).map((r) => r.id)).to.deep.equal([added.body['id']]);
    expect((await call(admin, 'GET', '/rules?user=nobody')).body['rules']).to.deep.equal([]);
    const path = `/rules/${String(added.body['id'])}`;
    const changed = await call(admin, 'PATCH', path, { priority: 5, permission: 'no_permissions' });
    expect(changed.body).to.deep.include({ pattern: 'team-a/.*', priority: 5, permission: 'NO_PERMISSIONS' });
    expect(outcome(await call(admin, 'PATCH', path, { priority: -5 }))).to.deep.equal([400, 'MLGATE_REQUEST_INVALID']);
    expect(outcome(await call(admin, 'PATCH', path, { pattern: 'x' }))).to.deep.equal([400, 'MLGATE_REQUEST_INVALID']);
    expect(outcome(await call(admin, 'PATCH', path, {}))).to.deep.equal([400, 'MLGATE_REQUEST_INVALID']);
    expect(outcome(await call(admin, 'PATCH', '/rules/ghost', { priority: 1 }))).to.deep.equal([
      404,
      'MLGATE_NO_SUCH_OBJECT',
    ]);
    expect((await call(admin, 'DELETE', `/rules/${String(added.body['id'])}`)).status).to.equal(204);
    expect(outcome(await call(admin, 'DELETE', `/rules/${String(added.body['id'])}`))).to.deep.equal([
      404,
      'MLGATE_NO_SUCH_OBJECT',
    ]);
  });

  it("refuses patterns the policy's regex engine would not run, and bad priorities, levels and principals", async () => {
    const rule = { user: 'alice', pattern: 'x', priority: 1, permission: 'READ' };
    for (const pattern of ['(a', '(a)\\1', '(?=a)b', 'a'.repeat(1025)]) {
      const refused = await call(admin, 'POST', '/rules', { ...rule, pattern });
      expect(outcome(refused), pattern.slice(0, 20)).to.deep.equal([400, 'MLGATE_PATTERN_INVALID']);
    }
    for (const [change, message] of [
      [{ priority: -1 }, /priority is required: an integer from 0 to 1000000/],
      [{ priority: 1.5 }, /priority is required/],
      [{ priority: '1' }, /priority: /],
      [{ permission: 'OWNER' }, /permission must be one of NO_PERMISSIONS, READ, USE, EDIT, MANAGE/],
      [{ resource_type: 'run' }, /resource_type must be one of experiment, registered_model, prompt/],
      [{ group: 'team' }, /Give exactly one of user or group/],
      [{ user: 'no spaces' }, /not a valid username/],
      [{ pattern: undefined }, /pattern is required/],
    ] as const) {
      const refused = await call(admin, 'POST', '/rules', { ...rule, ...change });
      expect(outcome(refused), JSON.stringify(change)).to.deep.equal([400, 'MLGATE_REQUEST_INVALID']);
      expect(refused.body['message']).to.match(message);
    }
  });

  it("keeps a principal's rules within MLGATE_RULE_LIMIT", async () => {
    const rule = (n: number) => ({
      user: 'limited',
      pattern: `${n}${'x'.repeat(999)}`,
      priority: n,
      permission: 'READ',
    });
    for (const n of [1, 2, 3, 4]) {
      expect((await call(admin, 'POST', '/rules', rule(n))).status).to.equal(201);
    }
    const refused = await call(admin, 'POST', '/rules', rule(5));
    expect(outcome(refused)).to.deep.equal([400, 'MLGATE_RULE_LIMIT']);
    expect(refused.body['message']).to.contain('max_rule_chars_per_principal');
  });

  it('makes, replaces, lists and removes grants with the CLI checks', async () => {
    const grant = { resource_type: 'experiment', resource_id: '7', user: 'Bob', permission: 'read' };
    const made = await call(admin, 'PUT', '/grants', grant);
    expect(made.status).to.equal(200);
    expect(made.body).to.deep.include({
      resource_type: 'experiment',
      resource_id: '7',
      principal_type: 'user',
      principal: 'bob',
      permission: 'READ',
      created_by: 'api:root',
      previous_permission: null,
    });
    const replaced = await call(admin, 'PUT', '/grants', { ...grant, permission: 'EDIT' });
    expect(replaced.body).to.deep.include({ permission: 'EDIT', previous_permission: 'READ' });
    await call(admin, 'PUT', '/grants', {
      resource_type: 'prompt',
      resource_id: 'p/1',
      group: 'team-a',
      permission: 'USE',
    });
    const forResource = await call(admin, 'GET', '/grants?resource_type=experiment&resource_id=7');
    expect((forResource.body['grants'] as { principal: string }[]).map((g) => g.principal)).to.deep.equal(['bob']);
    const forGroup = await call(admin, 'GET', '/grants?group=team-a');
    expect((forGroup.body['grants'] as { resource_id: string }[]).map((g) => g.resource_id)).to.deep.equal(['p/1']);
    const removed = await call(admin, 'DELETE', '/grants?resource_type=experiment&resource_id=7&user=bob');
    expect(removed.status).to.equal(204);
    const again = await call(admin, 'DELETE', '/grants?resource_type=experiment&resource_id=7&user=bob');
    expect(outcome(again)).to.deep.equal([404, 'MLGATE_NO_SUCH_OBJECT']);
    expect(again.body['message']).to.equal('user bob has no grant on experiment 7.');
  });

  it('refuses bad grant input with 400 MLGATE_REQUEST_INVALID', async () => {
    const grant = { resource_type: 'experiment', resource_id: '7', user: 'bob', permission: 'READ' };
    for (const change of [
      { resource_id: '007' },
      { resource_id: undefined },
      { resource_type: 'run' },
      { resource_type: 'gateway_endpoint', resource_id: 'chat' },
      { permission: 'OWNER' },
      { permission: undefined },
      { group: 'team-a' },
      { user: undefined },
      { extra: 1 },
    ]) {
      expect(
        outcome(await call(admin, 'PUT', '/grants', { ...grant, ...change })),
        JSON.stringify(change),
      ).to.deep.equal([400, 'MLGATE_REQUEST_INVALID']);
    }
    expect(outcome(await call(admin, 'GET', '/grants?resource_type=experiment'))).to.deep.equal([
      400,
      'MLGATE_REQUEST_INVALID',
    ]);
    expect(outcome(await call(admin, 'GET', '/grants?user=a&user=b'))).to.deep.equal([400, 'MLGATE_REQUEST_INVALID']);
    expect(outcome(await call(admin, 'DELETE', '/grants?resource_type=experiment&resource_id=7'))).to.deep.equal([
      400,
      'MLGATE_REQUEST_INVALID',
    ]);
  });

  it('refuses rules and groups to anyone but administrators (403 MLGATE_ADMIN_REQUIRED)', async () => {
    const rule = { user: 'member', pattern: '.*', priority: 0, permission: 'MANAGE' };
    for (const [method, path, body] of [
      ['GET', '/rules', undefined],
      ['POST', '/rules', rule],
      ['PATCH', '/rules/r1', { permission: 'MANAGE' }],
      ['DELETE', '/rules/r1', undefined],
      ['GET', '/groups', undefined],
      ['POST', '/groups', { name: 'mine' }],
      ['PATCH', '/groups/dup', { creator_permission: 'MANAGE' }],
      ['DELETE', '/groups/dup', undefined],
      ['GET', '/grants', undefined],
    ] as const) {
      expect(outcome(await call(member, method, path, body)), `${method} ${path}`).to.deep.equal([
        403,
        'MLGATE_ADMIN_REQUIRED',
      ]);
    }
    expect((await pipeline.store.regexRules.list()).some((r) => r.principal === 'member')).to.equal(false);
    expect((await pipeline.store.groups.get('dup'))?.creatorPermission).to.equal(null);
  });
});
