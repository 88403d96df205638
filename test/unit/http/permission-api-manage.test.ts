/**
 * The grants API for users who are not administrators, in the real app with the real policy (ManagePermissions) over
 * the in-memory store: a MANAGE holder may list a resource's grants and change them below MANAGE, and nothing else.
 */
import { expect } from 'chai';

import type { PermissionLevel } from '../../../src/config/schema.js';
import type { PrincipalType } from '../../../src/store/types.js';
import { type ApiAnswer, apiCall, outcome } from '../../helpers/api-call.js';
import { type Pipeline, startPipeline } from '../../helpers/pipeline.js';

describe('permissions API: MANAGE holders', () => {
  let pipeline: Pipeline;
  const auth: Record<string, string> = {};
  const call = (user: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> =>
    apiCall(pipeline.url, method, path, auth[user] ?? null, body);
  const put = (user: string, resourceId: string, holder: Record<string, string>, permission: string) =>
    call(user, 'PUT', '/grants', { resource_type: 'experiment', resource_id: resourceId, ...holder, permission });
  const grant = (
    resourceType: 'experiment' | 'registered_model' | 'prompt',
    resourceId: string,
    principalType: PrincipalType,
    principal: string,
    permission: PermissionLevel,
  ) => pipeline.store.grants.put({ resourceType, resourceId, principalType, principal, permission, createdBy: 't' });
  const levelOf = async (resourceId: string, principal: string): Promise<string | undefined> =>
    (await pipeline.store.grants.listForResource('experiment', resourceId)).find((g) => g.principal === principal)
      ?.permission;

  before(async () => {
    pipeline = await startPipeline({ registry: { churn: false, greeting: true } });
    for (const name of ['alice', 'bob', 'carol', 'dave', 'edith', 'gina']) {
      auth[name] = await pipeline.user(name);
    }
    await pipeline.store.users.update('dave', { groups: ['owners'] });
    await pipeline.store.users.update('gina', { groups: ['owners'] });
    await grant('experiment', '1', 'user', 'alice', 'MANAGE');
    await grant('experiment', '1', 'user', 'bob', 'READ');
    await grant('experiment', '1', 'user', 'carol', 'MANAGE');
    await grant('experiment', '1', 'user', 'edith', 'EDIT');
    await grant('experiment', '2', 'user', 'bob', 'MANAGE');
    await grant('experiment', '3', 'group', 'owners', 'MANAGE');
    await grant('registered_model', 'churn', 'user', 'alice', 'MANAGE');
  });

  after(() => pipeline.close());

  it('lets a MANAGE holder grant, change and revoke levels below MANAGE on their resource', async () => {
    const made = await put('alice', '1', { user: 'frank' }, 'READ');
    expect(made.status).to.equal(200);
    expect(made.body).to.deep.include({ principal: 'frank', permission: 'READ', created_by: 'api:alice' });
    expect((await put('alice', '1', { user: 'frank' }, 'EDIT')).body).to.deep.include({ previous_permission: 'READ' });
    expect((await put('alice', '1', { group: 'team-b' }, 'NO_PERMISSIONS')).status).to.equal(200);
    const listed = await call('alice', 'GET', '/grants?resource_type=experiment&resource_id=1');
    expect((listed.body['grants'] as { principal: string }[]).map((g) => g.principal)).to.have.members([
      'team-b',
      'alice',
      'bob',
      'carol',
      'edith',
      'frank',
    ]);
    expect(
      (await call('alice', 'DELETE', '/grants?resource_type=experiment&resource_id=1&user=frank')).status,
    ).to.equal(204);
    expect(await levelOf('1', 'frank')).to.equal(undefined);
  });

  it('refuses a MANAGE holder on another resource, whether the grant exists or not', async () => {
    const refused = await put('alice', '2', { user: 'frank' }, 'READ');
    expect(outcome(refused)).to.deep.equal([403, 'MLGATE_PERMISSION_DENIED']);
    expect(refused.body['message']).to.contain('ManagePermissions needs MANAGE on experiment 2');
    expect(refused.body['details']).to.deep.include({ operation: 'ManagePermissions' });
    for (const path of [
      '/grants?resource_type=experiment&resource_id=2&user=bob',
      '/grants?resource_type=experiment&resource_id=2&user=nobody',
    ]) {
      expect(outcome(await call('alice', 'DELETE', path))).to.deep.equal([403, 'MLGATE_PERMISSION_DENIED']);
    }
    expect(outcome(await call('alice', 'GET', '/grants?resource_type=experiment&resource_id=2'))).to.deep.equal([
      403,
      'MLGATE_PERMISSION_DENIED',
    ]);
    expect(await levelOf('2', 'frank')).to.equal(undefined);
    expect(await levelOf('2', 'bob')).to.equal('MANAGE');
  });

  it('refuses READ and EDIT holders, and users without any grant', async () => {
    for (const user of ['bob', 'edith', 'dave']) {
      expect(outcome(await put(user, '1', { user: 'frank' }, 'READ')), user).to.deep.equal([
        403,
        'MLGATE_PERMISSION_DENIED',
      ]);
      expect(outcome(await put(user, '1', { user }, 'EDIT')), `${user} on self`).to.deep.equal([
        403,
        'MLGATE_PERMISSION_DENIED',
      ]);
    }
    expect(await levelOf('1', 'bob')).to.equal('READ');
    expect(await levelOf('1', 'frank')).to.equal(undefined);
    // Nor do they learn whose grant is MANAGE: the refusal is about their own permission.
    const onOwner = await put('bob', '1', { user: 'carol' }, 'READ');
    expect(outcome(onOwner)).to.deep.equal([403, 'MLGATE_PERMISSION_DENIED']);
    expect(onOwner.body['message']).to.contain('needs MANAGE on experiment 1').and.not.contain('Only administrators');
  });

  it('leaves MANAGE grants to administrators: not given, changed nor removed by a MANAGE holder', async () => {
    const giving = await put('alice', '1', { user: 'frank' }, 'MANAGE');
    expect(outcome(giving)).to.deep.equal([403, 'MLGATE_PERMISSION_DENIED']);
    expect(giving.body['message']).to.contain('Only administrators may grant MANAGE');
    expect(outcome(await put('alice', '1', { user: 'carol' }, 'READ'))).to.deep.equal([
      403,
      'MLGATE_PERMISSION_DENIED',
    ]);
    expect(outcome(await put('alice', '1', { group: 'team-c' }, 'manage'))).to.deep.equal([
      403,
      'MLGATE_PERMISSION_DENIED',
    ]);
    expect(
      outcome(await call('alice', 'DELETE', '/grants?resource_type=experiment&resource_id=1&user=carol')),
    ).to.deep.equal([403, 'MLGATE_PERMISSION_DENIED']);
    expect(await levelOf('1', 'carol')).to.equal('MANAGE');
    expect(await levelOf('1', 'frank')).to.equal(undefined);
  });

  it('counts MANAGE held through a group, as the policy does for MLflow requests', async () => {
    expect((await put('dave', '3', { user: 'frank' }, 'USE')).status).to.equal(200);
    // Gina holds MANAGE through the group: a grant of her own would take it away, so it is a MANAGE grant to change.
    const demoting = await put('dave', '3', { user: 'gina' }, 'READ');
    expect(outcome(demoting)).to.deep.equal([403, 'MLGATE_PERMISSION_DENIED']);
    expect(demoting.body['message']).to.contain('Only administrators may grant MANAGE');
    expect(await levelOf('3', 'gina')).to.equal(undefined);
    expect(outcome(await put('dave', '1', { user: 'frank' }, 'USE'))).to.deep.equal([403, 'MLGATE_PERMISSION_DENIED']);
  });

  it('keeps listing across resources, rules and groups to administrators', async () => {
    for (const [method, path] of [
      ['GET', '/grants'],
      ['GET', '/grants?user=alice'],
      ['GET', '/rules'],
      ['GET', '/groups'],
    ] as const) {
      expect(outcome(await call('alice', method, path)), path).to.deep.equal([403, 'MLGATE_ADMIN_REQUIRED']);
    }
    const rule = { user: 'alice', pattern: '.*', priority: 0, permission: 'MANAGE' };
    expect(outcome(await call('alice', 'POST', '/rules', rule))).to.deep.equal([403, 'MLGATE_ADMIN_REQUIRED']);
  });

  it('resolves registry names through MLflow: the type must match, and a missing name is 404', async () => {
    const model = { resource_type: 'registered_model', resource_id: 'churn', user: 'bob', permission: 'READ' };
    expect((await call('alice', 'PUT', '/grants', model)).status).to.equal(200);
    const asPrompt = await call('alice', 'PUT', '/grants', { ...model, resource_type: 'prompt' });
    expect(outcome(asPrompt)).to.deep.equal([400, 'MLGATE_REQUEST_INVALID']);
    expect(asPrompt.body['message']).to.contain('use resource_type registered_model');
    const greeting = await call('alice', 'PUT', '/grants', {
      ...model,
      resource_type: 'prompt',
      resource_id: 'greeting',
    });
    expect(outcome(greeting)).to.deep.equal([403, 'MLGATE_PERMISSION_DENIED']);
    // A caller who may not manage it is not told what the name is.
    const notTheirs = await call('edith', 'PUT', '/grants', { ...model, resource_type: 'prompt' });
    expect(outcome(notTheirs)).to.deep.equal([403, 'MLGATE_PERMISSION_DENIED']);
    const missing = await call('alice', 'PUT', '/grants', { ...model, resource_id: 'nothing' });
    expect(outcome(missing)).to.deep.equal([404, 'MLGATE_RESOURCE_NOT_FOUND']);
  });

  describe('a grant changed by someone else while a change to it is checked', () => {
    /**
     * Makes `meanwhile` (another administrator's change) land just before the next write of a grant (`put` or
     * `remove`): after the change under test was checked, before it is written.
     */
    const raceBefore = (write: 'put' | 'remove', meanwhile: () => Promise<unknown>): (() => void) => {
      const grants = pipeline.store.grants as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      const original = grants[write] as (...args: unknown[]) => Promise<unknown>;
      let done = false;
      grants[write] = async (...args: unknown[]) => {
        if (!done) {
          done = true;
          await meanwhile();
        }
        return original(...args);
      };
      return () => (grants[write] = original);
    };

    it('refuses to replace it (409) and writes nothing: a MANAGE given meanwhile stays', async () => {
      await grant('experiment', '1', 'user', 'hank', 'READ');
      const restore = raceBefore('put', () => grant('experiment', '1', 'user', 'hank', 'MANAGE'));
      try {
        const answer = await put('alice', '1', { user: 'hank' }, 'EDIT');
        expect(outcome(answer)).to.deep.equal([409, 'MLGATE_CONFLICT']);
        expect(answer.body['message']).to.contain('changed by someone else');
      } finally {
        restore();
      }
      expect(await levelOf('1', 'hank')).to.equal('MANAGE');
    });

    it('refuses to make one that someone made meanwhile', async () => {
      const restore = raceBefore('put', () => grant('experiment', '1', 'user', 'ivan', 'MANAGE'));
      try {
        expect(outcome(await put('alice', '1', { user: 'ivan' }, 'READ'))).to.deep.equal([409, 'MLGATE_CONFLICT']);
      } finally {
        restore();
      }
      expect(await levelOf('1', 'ivan')).to.equal('MANAGE');
    });

    it('refuses to remove it (409), and answers 404 when it was removed meanwhile', async () => {
      await grant('experiment', '1', 'user', 'june', 'READ');
      let restore = raceBefore('remove', () => grant('experiment', '1', 'user', 'june', 'MANAGE'));
      const path = '/grants?resource_type=experiment&resource_id=1&user=june';
      try {
        expect(outcome(await call('alice', 'DELETE', path))).to.deep.equal([409, 'MLGATE_CONFLICT']);
      } finally {
        restore();
      }
      expect(await levelOf('1', 'june')).to.equal('MANAGE');
      await grant('experiment', '1', 'user', 'june', 'READ');
      restore = raceBefore('remove', () => pipeline.store.grants.remove('experiment', '1', 'user', 'june'));
      try {
        expect(outcome(await call('alice', 'DELETE', path))).to.deep.equal([404, 'MLGATE_NO_SUCH_OBJECT']);
      } finally {
        restore();
      }
    });
  });
});
