/**
 * Named access tokens and failed-credential throttling, end to end: the real MLflow Python client with Basic
 * (username + named token), the gateway's token API, revocation seen by another replica, and throttling shared by
 * two gateways, with clients bound to other loopback addresses (127.0.0.2, ...) standing in for other machines.
 */
import http from 'node:http';

import { expect } from 'chai';

import type { Service } from '../../scripts/services.js';
import { runClient } from './python.js';
import { type Credentials, basic, cli, startExtraGateway, world } from './world.js';

interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/** One HTTP request, optionally from a given local address (the gateway sees it as the peer address). */
function request(
  base: string,
  method: string,
  path: string,
  options: { authorization?: string; body?: unknown; from?: string } = {},
): Promise<Reply> {
  const url = new URL(path, base);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        agent: false,
        ...(options.from === undefined ? {} : { localAddress: options.from }),
        headers: {
          ...(options.authorization === undefined ? {} : { authorization: options.authorization }),
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
          }),
        );
      },
    );
    req.once('error', reject);
    req.end(payload);
  });
}

const SEARCH = '/api/2.0/mlflow/experiments/search?max_results=10';

async function tokenFor(username: string, args: string[] = []): Promise<Credentials & { id: string }> {
  const created = JSON.parse(await cli(['token', 'create', username, '--json', ...args])) as {
    token: string;
    id: string;
  };
  return { username, token: created.token, id: created.id };
}

describe('named access tokens', () => {
  let replica: Service;

  before(async () => {
    await cli(['user', 'create', 'tokenuser']);
    // A second replica on the same store (cache.ttl_ms 0 like the first, throttling off).
    replica = await startExtraGateway('tokens-replica');
  });

  it('let the MLflow Python client in with Basic (username + named token), then 401 once revoked', async () => {
    const laptop = await tokenFor('editor', ['--name', 'python-laptop', '--expires-in', '1h']);
    expect(laptop.token).to.match(/^mlg_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const script = `
results["experiment"] = attempt(lambda: mlflow.get_experiment("${world.sharedExperimentId}").name)
def log():
    mlflow.set_experiment("shared")
    with mlflow.start_run() as run:
        mlflow.log_metric("m", 1.0)
    return run.info.status
results["run"] = attempt(log)
`;
    const before = await runClient(laptop, script);
    expect(before['experiment']).to.deep.equal({ ok: true, value: 'shared' });
    expect(before['run']).to.deep.equal({ ok: true, value: 'RUNNING' });

    // Revoked through the API by its owner (with another of their tokens), on the other replica.
    const other = await tokenFor('editor', ['--name', 'python-other']);
    const revoked = await request(replica.url, 'DELETE', `/_mlgate/api/tokens/${laptop.id}`, {
      authorization: basic(other),
    });
    expect(revoked.status).to.equal(204);

    const after = await runClient(laptop, script);
    expect(after['experiment']).to.include({ ok: false, error_code: 'UNAUTHENTICATED', status: 401 });
    const raw = await request(world.gateway.url, 'GET', SEARCH, { authorization: basic(laptop) });
    expect(raw.status).to.equal(401);
    expect(raw.body['code']).to.equal('MLGATE_AUTH_INVALID');
    // The user's other token still works.
    expect((await request(world.gateway.url, 'GET', SEARCH, { authorization: basic(other) })).status).to.equal(200);
  });

  it('refuse an expired token with 401 MLGATE_AUTH_TOKEN_EXPIRED, to the Python client too', async () => {
    const brief = await tokenFor('reader', ['--name', 'brief', '--expires-in', '2s']);
    expect((await request(world.gateway.url, 'GET', SEARCH, { authorization: basic(brief) })).status).to.equal(200);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const results = await runClient(
      brief,
      `results["experiment"] = attempt(lambda: mlflow.get_experiment("${world.sharedExperimentId}").name)`,
    );
    expect(results['experiment']).to.include({ ok: false, error_code: 'UNAUTHENTICATED', status: 401 });
    const raw = await request(world.gateway.url, 'GET', SEARCH, { authorization: basic(brief) });
    expect(raw.status).to.equal(401);
    expect(raw.body['code']).to.equal('MLGATE_AUTH_TOKEN_EXPIRED');
    expect(raw.headers['www-authenticate']).to.include('Basic realm=');
  });

  it('refuse a token of the first format with 401 MLGATE_AUTH_TOKEN_OUTDATED', async () => {
    const old = { username: 'editor', token: `mlg_${'a'.repeat(43)}` };
    const raw = await request(world.gateway.url, 'GET', SEARCH, { authorization: basic(old) });
    expect(raw.status).to.equal(401);
    expect(raw.body['code']).to.equal('MLGATE_AUTH_TOKEN_OUTDATED');
  });

  it('are listed by id, name and dates, never the secret or its hash', async () => {
    const mine = await tokenFor('tokenuser', ['--name', 'listed']);
    const listed = await request(replica.url, 'GET', '/_mlgate/api/tokens', { authorization: basic(mine) });
    expect(listed.status).to.equal(200);
    const tokens = listed.body['tokens'] as Record<string, unknown>[];
    const entry = tokens.find((t) => t['id'] === mine.id);
    expect(entry).to.include({ name: 'listed', username: 'tokenuser' });
    expect(Object.keys(entry as object).sort()).to.deep.equal(
      ['created_at', 'expires_at', 'id', 'last_used_at', 'name', 'username'].sort(),
    );
    expect(JSON.stringify(listed.body)).to.not.include(mine.token.slice(-43));
    const cliList = JSON.parse(await cli(['token', 'list', 'tokenuser', '--json'])) as Record<string, unknown>[];
    expect(cliList.map((t) => t['id'])).to.include(mine.id);
    expect(JSON.stringify(cliList)).to.not.include(mine.token.slice(-43));
  });

  it('cannot be created with a token unless tokens.create_with_token is on; then unique names and limits hold', async () => {
    const mine = await tokenFor('tokenuser', ['--name', 'creator']);
    const refused = await request(world.gateway.url, 'POST', '/_mlgate/api/tokens', {
      authorization: basic(mine),
      body: { name: 'minted' },
    });
    expect(refused.status).to.equal(403);
    expect(refused.body['code']).to.equal('MLGATE_TOKEN_CREATE_FORBIDDEN');

    const permissive = await startExtraGateway('tokens-create', {
      MLGATE_TOKENS_CREATE_WITH_TOKEN: 'true',
      MLGATE_TOKENS_MAX_LIFETIME_DAYS: '30',
    });
    const created = await request(permissive.url, 'POST', '/_mlgate/api/tokens', {
      authorization: basic(mine),
      body: { name: 'minted', expires_in: '7d' },
    });
    expect(created.status).to.equal(201);
    expect(created.headers['cache-control']).to.equal('no-store');
    expect(created.body).to.include({ name: 'minted', username: 'tokenuser' });
    const minted = { username: 'tokenuser', token: created.body['token'] as string };
    expect((await request(world.gateway.url, 'GET', SEARCH, { authorization: basic(minted) })).status).to.equal(200);

    const cases: [unknown, number, string][] = [
      [{ name: 'minted' }, 409, 'MLGATE_CONFLICT'],
      [{ name: 'too-long', expires_in: '31d' }, 400, 'MLGATE_TOKEN_EXPIRY_INVALID'],
      [{ name: 'forever', expires_in: 'never' }, 400, 'MLGATE_TOKEN_EXPIRY_INVALID'],
      [{ name: 'bad/name' }, 400, 'MLGATE_REQUEST_INVALID'],
      [{ name: 'x', extra: true }, 400, 'MLGATE_REQUEST_INVALID'],
      [{ name: 5 }, 400, 'MLGATE_REQUEST_INVALID'],
    ];
    for (const [body, status, code] of cases) {
      const reply = await request(permissive.url, 'POST', '/_mlgate/api/tokens', { authorization: basic(mine), body });
      expect([reply.status, reply.body['code']], JSON.stringify(body)).to.deep.equal([status, code]);
    }
  });

  it("let administrators list and revoke anyone's tokens, and nobody else", async () => {
    const victim = await tokenFor('tokenuser', ['--name', 'admin-revokes']);
    const path = `/_mlgate/api/users/tokenuser/tokens`;
    const asOutsider = await request(world.gateway.url, 'GET', path, { authorization: basic(world.users.outsider) });
    expect([asOutsider.status, asOutsider.body['code']]).to.deep.equal([403, 'MLGATE_ADMIN_REQUIRED']);
    const outsiderRevoke = await request(world.gateway.url, 'DELETE', `${path}/${victim.id}`, {
      authorization: basic(world.users.outsider),
    });
    expect(outsiderRevoke.status).to.equal(403);
    // Nor through their own endpoint: it only reaches the caller's tokens.
    const notMine = await request(world.gateway.url, 'DELETE', `/_mlgate/api/tokens/${victim.id}`, {
      authorization: basic(world.users.outsider),
    });
    expect([notMine.status, notMine.body['code']]).to.deep.equal([404, 'MLGATE_NO_SUCH_OBJECT']);
    expect((await request(world.gateway.url, 'GET', SEARCH, { authorization: basic(victim) })).status).to.equal(200);

    for (const admin of [world.users.admin, world.users.groupAdmin]) {
      const listed = await request(world.gateway.url, 'GET', path, { authorization: basic(admin) });
      expect(listed.status).to.equal(200);
      expect((listed.body['tokens'] as { id: string }[]).map((t) => t.id)).to.include(victim.id);
    }
    const revoked = await request(replica.url, 'DELETE', `${path}/${victim.id}`, {
      authorization: basic(world.users.groupAdmin),
    });
    expect(revoked.status).to.equal(204);
    // Seen at once by the other replica (cache.ttl_ms 0).
    const after = await request(world.gateway.url, 'GET', SEARCH, { authorization: basic(victim) });
    expect([after.status, after.body['code']]).to.deep.equal([401, 'MLGATE_AUTH_INVALID']);
    const again = await request(world.gateway.url, 'DELETE', `${path}/${victim.id}`, {
      authorization: basic(world.users.admin),
    });
    expect(again.status).to.equal(404);
  });

  it('need a signed-in caller for the API', async () => {
    const anonymous = await request(world.gateway.url, 'GET', '/_mlgate/api/tokens');
    expect([anonymous.status, anonymous.body['code']]).to.deep.equal([401, 'MLGATE_AUTH_REQUIRED']);
  });
});

describe('failed-credential throttling (two gateways sharing MongoDB)', () => {
  let first: Service;
  let second: Service;
  const throttling = {
    MLGATE_THROTTLE_ENABLED: 'true',
    MLGATE_THROTTLE_FREE_FAILURES: '1',
    MLGATE_THROTTLE_DELAY_MS: '50',
    MLGATE_THROTTLE_MAX_DELAY_MS: '200',
    MLGATE_THROTTLE_ADDRESS_MAX_FAILURES: '3',
    MLGATE_THROTTLE_USERNAME_MAX_FAILURES: '4',
    MLGATE_THROTTLE_WINDOW_MS: '600000',
  };
  const wrong = (username: string) => basic({ username, token: `mlg_0123456789abcdef_${'x'.repeat(43)}` });

  before(async () => {
    first = await startExtraGateway('throttle-1', throttling);
    second = await startExtraGateway('throttle-2', throttling);
  });

  it('slows failures, then answers 429 on the other gateway too; other addresses and the owner still get in', async () => {
    const attacker = '127.0.0.2';
    const statuses: number[] = [];
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      statuses.push(
        (await request(first.url, 'GET', SEARCH, { authorization: wrong('editor'), from: attacker })).status,
      );
      times.push(Date.now() - started);
    }
    expect(statuses).to.deep.equal([401, 401, 401]);
    expect(times[2], 'the third failure is delayed').to.be.at.least(90);

    // The next attempt from that address, on the other gateway: 429, whatever the credential.
    const blocked = await request(second.url, 'GET', SEARCH, { authorization: wrong('editor'), from: attacker });
    expect(blocked.status).to.equal(429);
    expect(blocked.body['code']).to.equal('MLGATE_AUTH_THROTTLED');
    expect(blocked.body['error_code']).to.equal('REQUEST_LIMIT_EXCEEDED');
    expect(Number(blocked.headers['retry-after'])).to.be.within(1, 600);
    const validFromAttacker = await request(second.url, 'GET', SEARCH, {
      authorization: basic(world.users.reader),
      from: attacker,
    });
    expect([validFromAttacker.status, validFromAttacker.body['code']]).to.deep.equal([429, 'MLGATE_AUTH_THROTTLED']);

    // Another user elsewhere is not affected.
    const elsewhere = await request(second.url, 'GET', SEARCH, {
      authorization: basic(world.users.reader),
      from: '127.0.0.3',
    });
    expect(elsewhere.status).to.equal(200);

    // One more failure for editor from a third address blocks the username: its failures get 429 everywhere ...
    expect(
      (await request(first.url, 'GET', SEARCH, { authorization: wrong('editor'), from: '127.0.0.4' })).status,
    ).to.equal(401);
    const userBlocked = await request(second.url, 'GET', SEARCH, { authorization: wrong('Editor'), from: '127.0.0.5' });
    expect([userBlocked.status, userBlocked.body['code']]).to.deep.equal([429, 'MLGATE_AUTH_THROTTLED']);
    expect((userBlocked.body['details'] as Record<string, unknown>)['scope']).to.equal('username');
    // ... but its owner, with a valid token from an address that is not blocked, still gets in, on both gateways.
    for (const gateway of [first, second]) {
      const owner = await request(gateway.url, 'GET', SEARCH, {
        authorization: basic(world.users.editor),
        from: '127.0.0.6',
      });
      expect(owner.status).to.equal(200);
    }
    // The gateway with throttling off is not affected at all.
    const unthrottled = await request(world.gateway.url, 'GET', SEARCH, {
      authorization: basic(world.users.reader),
      from: attacker,
    });
    expect(unthrottled.status).to.equal(200);
  });
});
