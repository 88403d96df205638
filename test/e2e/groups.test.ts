/**
 * Groups of their own (issue 8, item 2) end to end, through the real MLflow Python client: a group defined before
 * any member exists, whose members' new experiments grant the group its creator permission; and a gateway that
 * limits who may create experiments to named groups.
 */
import { expect } from 'chai';

import { runClient } from './python.js';
import { experimentStatus, waitForStatus } from './replica-wait.js';
import { type Credentials, cli, startExtraGateway, world } from './world.js';

async function userWithToken(username: string, groups: string[]): Promise<Credentials> {
  await cli(['user', 'create', username, ...groups.flatMap((g) => ['--group', g])]);
  return { username, token: await cli(['token', 'create', username]) };
}

describe('groups (e2e, real MLflow client)', function () {
  this.timeout(180_000);

  it("grants a defined group its creator permission on its members' new experiments, and nothing more", async () => {
    // The group exists before any of its members.
    await cli(['group', 'create', 'gr-analysts', '--creator-permission', 'EDIT', '--description', 'Analysts']);
    const listed = JSON.parse(await cli(['group', 'list', '--json'])) as { name: string; creator_permission: string }[];
    expect(listed.find((g) => g.name === 'gr-analysts')).to.deep.include({
      creator_permission: 'EDIT',
      description: 'Analysts',
    });
    const creator = await userWithToken('gr-creator', ['gr-analysts']);
    const colleague = await userWithToken('gr-colleague', ['gr-analysts']);
    const outsider = await userWithToken('gr-outsider', ['gr-other']);

    const created = await runClient(
      creator,
      `results["id"] = attempt(lambda: mlflow.create_experiment("gr-analysts/churn"))`,
    );
    expect(created['id']).to.deep.include({ ok: true });
    const id = (created['id'] as { value: string }).value;

    const grants = JSON.parse(await cli(['grants', '--experiment', id, '--json'])) as {
      principal_type: string;
      principal: string;
      permission: string;
    }[];
    expect(grants.map((g) => [g.principal_type, g.principal, g.permission]).sort()).to.deep.equal([
      ['group', 'gr-analysts', 'EDIT'],
      ['user', 'gr-creator', 'MANAGE'],
    ]);

    const script = `
client = MlflowClient()
def work():
    run = client.create_run("${id}")
    client.log_metric(run.info.run_id, "m", 2.0)
    return client.get_run(run.info.run_id).data.metrics["m"]
results["work"] = attempt(work)
results["delete"] = attempt(lambda: client.delete_experiment("${id}"))
results["read"] = attempt(lambda: client.get_experiment("${id}").name)
`;
    const byColleague = await runClient(colleague, script);
    expect(byColleague['work']).to.deep.include({ ok: true, value: 2.0 });
    // EDIT, not MANAGE: deleting stays with the creator.
    expect(byColleague['delete']).to.deep.include({ ok: false, error_code: 'PERMISSION_DENIED' });
    const byOutsider = await runClient(outsider, script);
    expect(byOutsider['read']).to.deep.include({ ok: false, error_code: 'PERMISSION_DENIED' });
    expect(byOutsider['work']).to.deep.include({ ok: false, error_code: 'PERMISSION_DENIED' });
  });

  it('deleting a group removes its grants and its place in stored memberships', async () => {
    await cli(['group', 'create', 'gr-temp', '--creator-permission', 'READ']);
    const member = await userWithToken('gr-temp-member', ['gr-temp', 'gr-kept']);
    const created = await runClient(member, `results["id"] = attempt(lambda: mlflow.create_experiment("gr-temp/x"))`);
    const id = (created['id'] as { value: string }).value;
    const deleted = JSON.parse(await cli(['group', 'delete', 'gr-temp', '--json'])) as Record<string, unknown>;
    expect(deleted).to.deep.include({ defined: true, grants_removed: 1, members_removed: 1 });
    const grants = JSON.parse(await cli(['grants', '--experiment', id, '--json'])) as { principal: string }[];
    expect(grants.map((g) => g.principal)).to.deep.equal(['gr-temp-member']);
    const users = JSON.parse(await cli(['user', 'list', '--json'])) as { username: string; groups: string[] }[];
    expect(users.find((u) => u.username === 'gr-temp-member')?.groups).to.deep.equal(['gr-kept']);
  });

  it('limits experiment creation to the configured groups (administrators always may)', async () => {
    const gateway = await startExtraGateway('gr-restricted', {
      MLGATE_PERMISSIONS_EXPERIMENT_CREATORS: 'gr-creators',
    });
    const allowed = await userWithToken('gr-allowed', ['gr-creators']);
    const refused = await userWithToken('gr-refused', ['gr-analysts']);
    const script = `
import uuid
results["create"] = attempt(lambda: mlflow.create_experiment("gr-restricted/" + uuid.uuid4().hex))
`;
    expect((await runClient(allowed, script, gateway.url))['create']).to.deep.include({ ok: true });
    expect((await runClient(world.users.admin, script, gateway.url))['create']).to.deep.include({ ok: true });
    const denied = await runClient(refused, script, gateway.url);
    expect(denied['create']).to.deep.include({ ok: false, error_code: 'PERMISSION_DENIED' });
    // The default gateway (no creator groups) still lets anyone create.
    expect((await runClient(refused, script))['create']).to.deep.include({ ok: true });
    // The refusal says what to do.
    const response = await fetch(`${gateway.url}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: {
        authorization: 'Basic ' + Buffer.from(`${refused.username}:${refused.token}`).toString('base64'),
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'gr-restricted/direct' }),
    });
    expect(response.status).to.equal(403);
    const body = (await response.json()) as { error_code: string; message: string; details?: { reasons: string[] } };
    expect(body.error_code).to.equal('PERMISSION_DENIED');
    expect(body.message).to.contain('experiment_creators');
  });

  it("a change to a user's groups reaches another gateway within the bound, whatever its cache TTL", async () => {
    // Ten minutes of credential and grant caching: only the permission version can make it notice in time.
    const other = await startExtraGateway('gr-cached', { MLGATE_CACHE_TTL_MS: '600000' });
    const mover = await userWithToken('gr-mover', ['gr-readers']);
    const created = await runClient(
      world.users.admin,
      `results["id"] = attempt(lambda: mlflow.create_experiment("gr-moves"))`,
    );
    const id = (created['id'] as { value: string }).value;
    await cli(['grant', '--experiment', id, '--group', 'gr-readers', '--permission', 'READ']);
    const status = experimentStatus(other.url, mover, id);
    const waitFor = (expected: number): Promise<number> => waitForStatus(status, expected);
    await waitFor(200);
    await cli(['user', 'set-groups', 'gr-mover']);
    await waitFor(403);
    await cli(['user', 'set-groups', 'gr-mover', '--group', 'gr-readers']);
    await waitFor(200);
    await cli(['user', 'set-admin', 'gr-mover', 'true']);
    await cli(['user', 'set-groups', 'gr-mover']);
    await waitFor(200);
    await cli(['user', 'set-admin', 'gr-mover', 'false']);
    await waitFor(403);
  });
});
