/**
 * The permissions API (/_mlgate/api/grants, rules, groups) end to end: changes made through the real gateway on
 * FerretDB, then enforced on the real MLflow Python client of the users they concern; a MANAGE holder sharing their
 * own experiment and refused on another; and a change made through one gateway enforced by another within the bound.
 */
import { expect } from 'chai';

import { type ApiAnswer, apiCall, outcome } from '../helpers/api-call.js';
import { runClient } from './python.js';
import { experimentStatus, waitForStatus } from './replica-wait.js';
import { type Credentials, basic, cli, startExtraGateway, world } from './world.js';

async function userWithToken(username: string, groups: string[] = []): Promise<Credentials> {
  await cli(['user', 'create', username, ...groups.flatMap((g) => ['--group', g])]);
  return { username, token: await cli(['token', 'create', username]) };
}

async function createExperiment(credentials: Credentials, name: string): Promise<string> {
  const created = await runClient(credentials, `results["id"] = attempt(lambda: mlflow.create_experiment("${name}"))`);
  expect(created['id'], name).to.deep.include({ ok: true });
  return (created['id'] as { value: string }).value;
}

/** What the client may do in an experiment: read it, and write a run with a metric. */
function readAndWrite(id: string): string {
  return `
client = MlflowClient()
results["read"] = attempt(lambda: client.get_experiment("${id}").name)
def write():
    run = client.create_run("${id}")
    client.log_metric(run.info.run_id, "m", 1.0)
    return run.info.run_id
results["write"] = attempt(write)
`;
}

function api(credentials: Credentials, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  return apiCall(world.gateway.url, method, path, basic(credentials), body);
}

/** `by` grants `user` a level on experiment `id` through the API. */
function grantUser(by: Credentials, id: string, user: string, permission: string): Promise<ApiAnswer> {
  return api(by, 'PUT', '/grants', { resource_type: 'experiment', resource_id: id, user, permission });
}

describe('permissions API (e2e, real gateway, FerretDB and MLflow client)', function () {
  this.timeout(180_000);

  it('an administrator defines a group, a rule and a grant; a member is allowed and refused accordingly', async () => {
    const admin = world.users.admin;
    const group = await api(admin, 'POST', '/groups', { name: 'pa-team', creator_permission: 'EDIT' });
    expect(group.status).to.equal(201);
    const rule = await api(admin, 'POST', '/rules', {
      group: 'pa-team',
      pattern: 'pa-team/.*',
      priority: 10,
      permission: 'EDIT',
    });
    expect(rule.status).to.equal(201);
    const inTeam = await createExperiment(admin, 'pa-team/exp');
    const granted = await createExperiment(admin, 'pa-granted');
    const elsewhere = await createExperiment(admin, 'pa-elsewhere');
    const grant = await api(admin, 'PUT', '/grants', {
      resource_type: 'experiment',
      resource_id: granted,
      group: 'pa-team',
      permission: 'READ',
    });
    expect(grant.status).to.equal(200);

    const member = await userWithToken('pa-member', ['pa-team']);
    const team = await runClient(member, readAndWrite(inTeam));
    expect(team['read']).to.deep.include({ ok: true, value: 'pa-team/exp' });
    expect(team['write']).to.deep.include({ ok: true });
    const read = await runClient(member, readAndWrite(granted));
    expect(read['read']).to.deep.include({ ok: true, value: 'pa-granted' });
    expect(read['write']).to.deep.include({ ok: false, error_code: 'PERMISSION_DENIED' });
    const other = await runClient(member, readAndWrite(elsewhere));
    expect(other['read']).to.deep.include({ ok: false, error_code: 'PERMISSION_DENIED' });

    // Removed through the API: the member loses what the rule gave.
    expect((await api(admin, 'DELETE', `/rules/${String(rule.body['id'])}`)).status).to.equal(204);
    const after = await runClient(member, readAndWrite(inTeam));
    expect(after['read']).to.deep.include({ ok: false, error_code: 'PERMISSION_DENIED' });
  });

  it('a MANAGE holder shares their experiment with a colleague, and is refused on another one', async () => {
    const owner = await userWithToken('pa-owner');
    const colleague = await userWithToken('pa-colleague');
    const mine = await createExperiment(owner, 'pa-owned');
    const theirs = await createExperiment(world.users.admin, 'pa-not-owned');
    const before = await runClient(colleague, readAndWrite(mine));
    expect(before['read']).to.deep.include({ ok: false, error_code: 'PERMISSION_DENIED' });

    const shared = await grantUser(owner, mine, 'pa-colleague', 'READ');
    expect([shared.status, shared.body['created_by']]).to.deep.equal([200, 'api:pa-owner']);
    const after = await runClient(colleague, readAndWrite(mine));
    expect(after['read']).to.deep.include({ ok: true, value: 'pa-owned' });
    expect(after['write']).to.deep.include({ ok: false, error_code: 'PERMISSION_DENIED' });

    const onTheirs = await grantUser(owner, theirs, 'pa-colleague', 'READ');
    expect(outcome(onTheirs)).to.deep.equal([403, 'MLGATE_PERMISSION_DENIED']);
    expect((await runClient(colleague, readAndWrite(theirs)))['read']).to.deep.include({
      ok: false,
      error_code: 'PERMISSION_DENIED',
    });
    const owners = await grantUser(owner, mine, 'pa-colleague', 'MANAGE');
    expect(outcome(owners)).to.deep.equal([403, 'MLGATE_PERMISSION_DENIED']);
    // The colleague, with READ, may not pass it on; nor may anyone touch rules or groups.
    const passOn = await grantUser(colleague, mine, 'pa-member', 'READ');
    expect(outcome(passOn)).to.deep.equal([403, 'MLGATE_PERMISSION_DENIED']);
    const rule = { user: 'pa-owner', pattern: '.*', priority: 0, permission: 'MANAGE' };
    expect(outcome(await api(owner, 'POST', '/rules', rule))).to.deep.equal([403, 'MLGATE_ADMIN_REQUIRED']);
    expect(outcome(await api(owner, 'POST', '/groups', { name: 'pa-mine' }))).to.deep.equal([
      403,
      'MLGATE_ADMIN_REQUIRED',
    ]);
  });

  it("a MANAGE holder pages their experiment's grants, and their token stays on that experiment", async () => {
    const owner = await userWithToken('pa-pager');
    const mine = await createExperiment(owner, 'pa-paged');
    const alsoMine = await createExperiment(owner, 'pa-paged-too');
    const theirs = await createExperiment(world.users.admin, 'pa-paged-not-mine');
    for (const reader of ['pa-r1', 'pa-r2', 'pa-r3', 'pa-r4', 'pa-r5']) {
      expect((await grantUser(owner, mine, reader, 'READ')).status).to.equal(200);
    }
    // Six grants (the creator's MANAGE and five READ), two a page: three pages, the last without a token.
    const listing = `/grants?resource_type=experiment&resource_id=${mine}&max_results=2`;
    const pages: string[][] = [];
    const tokens: string[] = [];
    let path = listing;
    for (;;) {
      const page = await api(owner, 'GET', path);
      expect(page.status, JSON.stringify(page.body)).to.equal(200);
      pages.push((page.body['grants'] as { principal: string }[]).map((g) => g.principal));
      const token = page.body['next_page_token'];
      if (token === undefined) break;
      tokens.push(token as string);
      path = `${listing}&page_token=${token as string}`;
    }
    expect(pages).to.deep.equal([
      ['pa-pager', 'pa-r1'],
      ['pa-r2', 'pa-r3'],
      ['pa-r4', 'pa-r5'],
    ]);
    const token = tokens[0] as string;
    const on = (id: string): string => `/grants?resource_type=experiment&resource_id=${id}&page_token=${token}`;
    expect(outcome(await api(owner, 'GET', on(alsoMine)))).to.deep.equal([400, 'MLGATE_REQUEST_INVALID']);
    expect(outcome(await api(owner, 'GET', on(theirs)))).to.deep.equal([403, 'MLGATE_PERMISSION_DENIED']);
    const altered = `${listing}&page_token=${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(outcome(await api(owner, 'GET', altered))).to.deep.equal([400, 'MLGATE_REQUEST_INVALID']);
    // An administrator pages every grant of the store, each exactly once, with the default page and a small one.
    const everything = await api(world.users.admin, 'GET', '/grants');
    expect(everything.body).to.not.have.property('next_page_token');
    const all = (everything.body['grants'] as Record<string, string>[]).map((g) => JSON.stringify(g));
    const paged: string[] = [];
    let next: string | undefined;
    do {
      const page = await api(
        world.users.admin,
        'GET',
        `/grants?max_results=3${next === undefined ? '' : `&page_token=${next}`}`,
      );
      paged.push(...(page.body['grants'] as Record<string, string>[]).map((g) => JSON.stringify(g)));
      next = page.body['next_page_token'] as string | undefined;
    } while (next !== undefined);
    expect(paged).to.deep.equal(all);
  });

  it('a grant made through one gateway is enforced by another within the bound, whatever its cache TTL', async () => {
    const other = await startExtraGateway('pa-replica', { MLGATE_CACHE_TTL_MS: '600000' });
    const reader = await userWithToken('pa-replica-reader');
    const id = await createExperiment(world.users.admin, 'pa-replicated');
    const status = experimentStatus(other.url, reader, id);
    expect(await status()).to.equal(403);
    const query = `resource_type=experiment&resource_id=${id}&user=pa-replica-reader`;
    expect((await grantUser(world.users.admin, id, 'pa-replica-reader', 'READ')).status).to.equal(200);
    const granted = await waitForStatus(status, 200);
    expect((await api(world.users.admin, 'DELETE', `/grants?${query}`)).status).to.equal(204);
    const revoked = await waitForStatus(status, 403);
    console.log(
      `      seen by the other gateway after ${granted.toFixed(0)} ms (grant), ${revoked.toFixed(0)} ms (revoke)`,
    );
  });
});
