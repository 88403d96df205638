/**
 * The grants API for MANAGE holders when another owner's MANAGE comes from a later permission source (a regex rule
 * after user and group grants): a grant to the owner's group, or removing a grant that shadows a rule, changes who
 * holds MANAGE, which only administrators may do. Real app, real policy, in-memory store.
 */
import { expect } from 'chai';

import { runtimeData } from '../../../src/policy/data.js';
import { type ApiAnswer, apiCall, outcome } from '../../helpers/api-call.js';
import { type Pipeline, startPipeline } from '../../helpers/pipeline.js';

describe('permissions API: MANAGE from regex rules', () => {
  let pipeline: Pipeline;
  const auth: Record<string, string> = {};
  const call = (user: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> =>
    apiCall(pipeline.url, method, path, auth[user] ?? null, body);
  const put = (user: string, holder: Record<string, string>, permission: string) =>
    call(user, 'PUT', '/grants', { resource_type: 'experiment', resource_id: '5', ...holder, permission });
  const levelOf = async (principal: string): Promise<string | undefined> =>
    (await pipeline.store.grants.listForResource('experiment', '5')).find((g) => g.principal === principal)?.permission;
  const rule = (id: string) => [{ id, pattern: 'owned', priority: 1, permission: 'MANAGE', valid: true }];

  before(async () => {
    pipeline = await startPipeline({ experimentNames: { owned: '5' } });
    for (const name of ['alice', 'dave', 'frank', 'hal']) {
      auth[name] = await pipeline.user(name);
    }
    await pipeline.store.users.update('dave', { groups: ['team-d'] });
    await pipeline.store.users.update('frank', { groups: ['team-f'] });
    await pipeline.store.grants.put({
      resourceType: 'experiment',
      resourceId: '5',
      principalType: 'user',
      principal: 'alice',
      permission: 'MANAGE',
      createdBy: 't',
    });
    // An administrator blocked hal, who a rule makes an owner.
    await pipeline.store.grants.put({
      resourceType: 'experiment',
      resourceId: '5',
      principalType: 'user',
      principal: 'hal',
      permission: 'NO_PERMISSIONS',
      createdBy: 't',
    });
    // dave, hal and the members of team-f own experiment "owned" through regex rules.
    await pipeline.engine.setData({
      ...runtimeData(pipeline.config),
      rules: { experiment: { user: { dave: rule('r1'), hal: rule('r2') }, group: { 'team-f': rule('r3') } } },
    });
  });

  after(() => pipeline.close());

  it('holds: the rule owners manage the experiment', async () => {
    expect((await call('dave', 'GET', '/grants?resource_type=experiment&resource_id=5')).status).to.equal(200);
    expect((await call('frank', 'GET', '/grants?resource_type=experiment&resource_id=5')).status).to.equal(200);
  });

  it('refuses a MANAGE holder a group grant that would demote an owner in the group', async () => {
    for (const group of ['team-d', 'team-f']) {
      const demoting = await put('alice', { group }, 'READ');
      expect(outcome(demoting), group).to.deep.equal([403, 'MLGATE_PERMISSION_DENIED']);
      expect(demoting.body['message']).to.contain('Only administrators may grant MANAGE');
      expect(await levelOf(group)).to.equal(undefined);
    }
    expect((await call('dave', 'GET', '/grants?resource_type=experiment&resource_id=5')).status).to.equal(200);
  });

  it('refuses a user grant to an owner by rule, stored or not yet', async () => {
    expect(outcome(await put('alice', { user: 'dave' }, 'EDIT'))).to.deep.equal([403, 'MLGATE_PERMISSION_DENIED']);
    await pipeline.engine.setData({
      ...runtimeData(pipeline.config),
      rules: { experiment: { user: { dave: rule('r1'), hal: rule('r2'), newcomer: rule('r4') }, group: {} } },
    });
    expect(outcome(await put('alice', { user: 'newcomer' }, 'READ'))).to.deep.equal([403, 'MLGATE_PERMISSION_DENIED']);
    expect(await levelOf('newcomer')).to.equal(undefined);
  });

  it('refuses removing a grant that keeps a rule from making its holder an owner', async () => {
    const removing = await call('alice', 'DELETE', '/grants?resource_type=experiment&resource_id=5&user=hal');
    expect(outcome(removing)).to.deep.equal([403, 'MLGATE_PERMISSION_DENIED']);
    expect(await levelOf('hal')).to.equal('NO_PERMISSIONS');
  });

  it('tells a caller without MANAGE only that: not whether the user or group holds an owner', async () => {
    const holders: Record<string, string>[] = [{ group: 'team-d' }, { user: 'dave' }, { group: 'team-z' }];
    for (const holder of holders) {
      const refused = await put('hal', holder, 'READ');
      expect(outcome(refused), JSON.stringify(holder)).to.deep.equal([403, 'MLGATE_PERMISSION_DENIED']);
      expect(refused.body['message']).to.contain('ManagePermissions needs MANAGE on experiment 5');
    }
  });

  it('still lets a MANAGE holder grant a group that holds no owner', async () => {
    expect((await put('alice', { group: 'team-z' }, 'READ')).status).to.equal(200);
    expect((await put('alice', { user: 'zed' }, 'EDIT')).status).to.equal(200);
  });
});
