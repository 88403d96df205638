/**
 * Failure and trust boundaries of the gateway process: what reaches MLflow
 * (observed with a recording upstream), MLflow or MongoDB going away, a
 * broken policy or configuration at start-up, and how long a revoked grant
 * may live on in a replica's cache.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { expect } from 'chai';

import { type FerretDB, type Service, freePort, runCli, startFerretDB, startMlgate } from '../../scripts/services.js';
import { tempDir } from '../helpers/tmp.js';
import { recordingUpstream } from './recording-upstream.js';
import { basic, cli, startExtraGateway, world } from './world.js';

/** Repeats a GET while it answers 200 (as a busy client would); returns the first other status and when it came. */
async function pollWhileOk(
  url: string,
  headers: Record<string, string>,
  limitMs: number,
): Promise<{ status: number; elapsed: number }> {
  const started = Date.now();
  let status = 200;
  while (status === 200 && Date.now() - started < limitMs) {
    status = (await fetch(url, { headers })).status;
    if (status === 200) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { status, elapsed: Date.now() - started };
}

/**
 * Runs `test` against a gateway with a MongoDB of its own (so the test may stop it) holding one user created with
 * `user` (CLI arguments after "user create"); everything is stopped and removed afterwards.
 */
async function withOwnStore(
  name: string,
  user: string[],
  env: Record<string, string>,
  test: (context: { gateway: Service; ferret: FerretDB; authorization: string }) => Promise<void>,
): Promise<void> {
  const dir = tempDir(name);
  const ferret = await startFerretDB(dir.path);
  const fullEnv = { ...world.env, MONGODB_URI: ferret.uri, MLGATE_MONGODB_TIMEOUT_MS: '500', ...env };
  const username = user[0] as string;
  await cli(['user', 'create', ...user], fullEnv);
  const token = await cli(['token', 'create', username], fullEnv);
  const gateway = await startMlgate(join(dir.path, 'gateway'), fullEnv);
  try {
    await test({ gateway, ferret, authorization: basic({ username, token }) });
  } finally {
    await gateway.stop();
    await ferret.stop();
    dir.remove();
  }
}

describe('gateway boundaries', () => {
  describe('what reaches MLflow', () => {
    it('replays a body the gateway read byte for byte, and strips client identity headers', async () => {
      const upstream = await recordingUpstream();
      try {
        const gateway = await startExtraGateway('recording', { MLGATE_UPSTREAM_URL: upstream.url });
        // Odd spacing, key order, escapes and non-ASCII: re-serialising would change these bytes.
        const body = Buffer.from(
          '{ "value":"v\\u00e9\u00e9 \ud83d\ude00",\n  "key" : "k",   "run_id":"0123456789abcdef0123456789abcdef" }',
        );
        const response = await fetch(`${gateway.url}/api/2.0/mlflow/runs/log-parameter`, {
          method: 'POST',
          headers: {
            authorization: basic(world.users.editor),
            'content-type': 'application/json',
            'x-forwarded-user': 'admin',
            'x-forwarded-email': 'admin@example.com',
            'x-forwarded-groups': 'mlflow-admin',
            'x-auth-request-user': 'admin',
            'remote-user': 'admin',
            'x-mlgate-user': 'admin',
            'x-forwarded-for': '10.9.9.9',
            'x-request-id': 'client-chosen-id',
          },
          body,
        });
        expect(response.status).to.equal(200);
        const forwarded = upstream.requests.find((r) => r.url === '/api/2.0/mlflow/runs/log-parameter');
        expect(forwarded, 'the request reached the upstream').to.not.equal(undefined);
        expect(forwarded?.body.equals(body), 'body bytes').to.be.true;
        const headers = forwarded?.headers ?? {};
        for (const name of [
          'authorization',
          'x-forwarded-user',
          'x-forwarded-email',
          'x-forwarded-groups',
          'x-auth-request-user',
          'remote-user',
          'x-mlgate-user',
        ]) {
          expect(headers, name).to.not.have.property(name);
        }
        expect(headers['x-forwarded-for']).to.equal('127.0.0.1');
        expect(headers['x-mlgate-request-id']).to.equal(response.headers.get('x-request-id'));
        expect(headers['content-length']).to.equal(String(body.length));
        const lookup = upstream.requests.find((r) => r.url.startsWith('/api/2.0/mlflow/runs/get'));
        expect(lookup?.headers, "the gateway's own look-up carries no client credentials").to.not.have.property(
          'authorization',
        );
      } finally {
        await upstream.close();
      }
    });

    it('never forwards a refused request', async () => {
      const upstream = await recordingUpstream();
      try {
        const gateway = await startExtraGateway('recording-refused', { MLGATE_UPSTREAM_URL: upstream.url });
        const response = await fetch(`${gateway.url}/api/2.0/mlflow/runs/log-parameter`, {
          method: 'POST',
          headers: { authorization: basic(world.users.reader), 'content-type': 'application/json' },
          body: JSON.stringify({ run_id: '0123456789abcdef0123456789abcdef', key: 'k', value: 'v' }),
        });
        expect(response.status).to.equal(403);
        expect(upstream.requests.map((r) => r.url)).to.deep.equal([
          '/api/2.0/mlflow/runs/get?run_id=0123456789abcdef0123456789abcdef',
        ]);
      } finally {
        await upstream.close();
      }
    });
  });

  describe('MLflow failing mid-answer', () => {
    it('cuts the client connection instead of hanging or passing a truncated body off as complete', async () => {
      const broken = http.createServer((req, res) => {
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
        res.write('{"experiment": {"experiment_id": "');
        setTimeout(() => res.socket?.destroy(), 50);
      });
      await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
      try {
        const gateway = await startExtraGateway('broken-upstream', {
          MLGATE_UPSTREAM_URL: `http://127.0.0.1:${(broken.address() as AddressInfo).port}`,
        });
        const started = Date.now();
        const outcome = await new Promise<string>((resolve) => {
          const request = http.get(
            `${gateway.url}/api/2.0/mlflow/experiments/get?experiment_id=${world.sharedExperimentId}`,
            { headers: { authorization: basic(world.users.admin) } },
            (response) => {
              response.on('data', () => undefined);
              response.on('end', () => resolve('complete'));
              response.on('aborted', () => resolve('aborted'));
              response.on('error', () => resolve('error'));
            },
          );
          request.on('error', () => resolve('error'));
          setTimeout(() => resolve('hung'), 10_000);
        });
        expect(outcome).to.be.oneOf(['aborted', 'error']);
        expect(Date.now() - started).to.be.below(5_000);
        // The gateway keeps serving.
        expect((await fetch(`${gateway.url}/_mlgate/health/live`)).status).to.equal(200);
      } finally {
        await new Promise<void>((resolve) => broken.close(() => resolve()));
      }
    });
  });

  describe('MLflow unreachable', () => {
    it('answers 502 MLGATE_UPSTREAM_UNAVAILABLE for proxied requests and look-ups alike', async () => {
      const gateway = await startExtraGateway('no-upstream', {
        MLGATE_UPSTREAM_URL: `http://127.0.0.1:${await freePort()}`,
      });
      const headers = { authorization: basic(world.users.admin) };
      for (const path of [
        `/api/2.0/mlflow/experiments/get?experiment_id=${world.sharedExperimentId}`,
        '/api/2.0/mlflow/runs/get?run_id=0123456789abcdef0123456789abcdef',
        '/api/2.0/mlflow/experiments/search?max_results=5',
      ]) {
        const response = await fetch(`${gateway.url}${path}`, { headers });
        const body = (await response.json()) as Record<string, unknown>;
        expect(response.status, path).to.equal(502);
        expect(body['code'], path).to.equal('MLGATE_UPSTREAM_UNAVAILABLE');
        expect(body['error_code'], path).to.equal('TEMPORARILY_UNAVAILABLE');
      }
    });
  });

  describe('MongoDB unreachable', () => {
    it('refuses requests with 503 MLGATE_STORE_UNAVAILABLE and reports not ready', async () => {
      await withOwnStore('store-gone', ['solo', '--admin'], {}, async ({ gateway, ferret, authorization }) => {
        const path = `/api/2.0/mlflow/experiments/get?experiment_id=${world.sharedExperimentId}`;
        const headers = { authorization };
        expect((await fetch(`${gateway.url}${path}`, { headers })).status).to.equal(200);
        await ferret.stop();
        const response = await fetch(`${gateway.url}${path}`, { headers });
        const body = (await response.json()) as Record<string, unknown>;
        expect(response.status).to.equal(503);
        expect(body['code']).to.equal('MLGATE_STORE_UNAVAILABLE');
        const ready = await fetch(`${gateway.url}/_mlgate/health/ready`);
        expect(ready.status).to.equal(503);
        expect(((await ready.json()) as { checks: { store: { ok: boolean } } }).checks.store.ok).to.be.false;
      });
    });

    it('keeps deciding from the last permission data up to permissions.max_stale_ms, then fails closed', async () => {
      // Credentials cached for long, so only the permission data depends on MongoDB here.
      const env = { MLGATE_CACHE_TTL_MS: '600000', MLGATE_PERMISSIONS_MAX_STALE_MS: '3000' };
      await withOwnStore('data-stale', ['solo', '--admin'], env, async ({ gateway, ferret, authorization }) => {
        const path = `/api/2.0/mlflow/experiments/get?experiment_id=${world.sharedExperimentId}`;
        const headers = { authorization };
        expect((await fetch(`${gateway.url}${path}`, { headers })).status).to.equal(200);
        await ferret.stop();
        const stopped = Date.now();
        // Within the limit: still answered from the last good data.
        expect((await fetch(`${gateway.url}${path}`, { headers })).status).to.equal(200);
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 3_700 - (Date.now() - stopped))));
        const response = await fetch(`${gateway.url}${path}`, { headers });
        const body = (await response.json()) as Record<string, unknown>;
        expect(response.status).to.equal(503);
        expect(body['code']).to.equal('MLGATE_PERMISSIONS_STALE');
        const ready = await fetch(`${gateway.url}/_mlgate/health/ready`);
        expect(ready.status).to.equal(503);
        const checks = ((await ready.json()) as { checks: { permission_data: { ok: boolean; stale_ms: number } } })
          .checks;
        expect(checks.permission_data.ok).to.equal(false);
        expect(checks.permission_data.stale_ms).to.be.above(3_000);
      });
    });
  });

  describe('start-up', () => {
    it('refuses to start with a policy bundle it cannot use, saying which and why', async () => {
      const result = await runCli(['serve'], {
        ...world.env,
        MLGATE_POLICY_BUNDLE: '/nonexistent/bundle.tar.gz',
        MLGATE_SERVER_PORT: '0',
      });
      expect(result.code).to.equal(1);
      expect(result.stderr).to.include('cannot start: Cannot use the policy bundle /nonexistent/bundle.tar.gz');
      expect(result.stderr).to.include('[MLGATE_POLICY_UNAVAILABLE]');
    });

    it('refuses to start with an invalid configuration, listing every problem', async () => {
      const result = await runCli(['serve'], {
        ...world.env,
        MLGATE_UPSTREAM_URL: 'not a url',
        MLGATE_SERVER_PORT: '99999',
      });
      expect(result.code).to.equal(2);
      expect(result.stderr).to.include('2 problem(s)');
      expect(result.stderr).to.include('MLGATE_UPSTREAM_URL (upstream.url): is not a valid URL');
      expect(result.stderr).to.include('MLGATE_SERVER_PORT (server.port): must be between 0 and 65535');
    });

    it('refuses to start when MongoDB cannot be reached', async () => {
      const result = await runCli(['serve'], {
        ...world.env,
        MONGODB_URI: `mongodb://127.0.0.1:${await freePort()}/`,
        MLGATE_MONGODB_TIMEOUT_MS: '300',
        MLGATE_SERVER_PORT: '0',
      });
      expect(result.code).to.equal(1);
      expect(result.stderr).to.include('[MLGATE_STORE_UNAVAILABLE]');
    });
  });

  describe('creator grant when MongoDB fails', () => {
    it('still answers 200 for the created experiment, with a warning and a logged repair command', async () => {
      const env = { MLGATE_MONGODB_TIMEOUT_MS: '300', MLGATE_CACHE_TTL_MS: '60000' };
      await withOwnStore('grant-fails', ['maker'], env, async ({ gateway, ferret, authorization }) => {
        const headers = { authorization, 'content-type': 'application/json' };
        // Authenticate once so the credentials are cached, then lose MongoDB.
        expect((await fetch(`${gateway.url}/api/3.0/mlflow/server-info`, { headers })).status).to.equal(200);
        await ferret.stop();
        const response = await fetch(`${gateway.url}/api/2.0/mlflow/experiments/create`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ name: 'made-while-mongo-was-down' }),
        });
        const body = (await response.json()) as { experiment_id: string };
        expect(response.status).to.equal(200);
        expect(response.headers.get('x-mlgate-warning')).to.include(
          `mlgate grant --experiment ${body.experiment_id} --user maker --permission MANAGE`,
        );
        const mlflow = await fetch(
          `${world.mlflow.url}/api/2.0/mlflow/experiments/get?experiment_id=${body.experiment_id}`,
        );
        expect(mlflow.status, 'the experiment exists in MLflow').to.equal(200);
      });
    });
  });

  describe('cache staleness bound', () => {
    it('stops honouring a revoked grant within cache.ttl_ms on a replica that cached it', async () => {
      const ttl = 1500;
      const gateway = await startExtraGateway('cached', { MLGATE_CACHE_TTL_MS: String(ttl) });
      await cli(['user', 'create', 'cached-user']);
      const token = await cli(['token', 'create', 'cached-user']);
      await cli(['grant', '--experiment', world.sharedExperimentId, '--user', 'cached-user', '--permission', 'READ']);
      const path = `${gateway.url}/api/2.0/mlflow/experiments/get?experiment_id=${world.sharedExperimentId}`;
      const headers = { authorization: basic({ username: 'cached-user', token }) };
      expect((await fetch(path, { headers })).status).to.equal(200);
      await cli(['revoke', '--experiment', world.sharedExperimentId, '--user', 'cached-user']);
      const { status, elapsed } = await pollWhileOk(path, headers, ttl * 3);
      expect(status).to.equal(403);
      expect(elapsed, `revocation took ${elapsed} ms`).to.be.at.most(ttl + 500);
    });

    it('stops treating a demoted administrator as one within cache.ttl_ms, however often they call', async () => {
      const ttl = 1500;
      const gateway = await startExtraGateway('cached-admin', { MLGATE_CACHE_TTL_MS: String(ttl) });
      await cli(['user', 'create', 'temp-admin', '--admin']);
      const token = await cli(['token', 'create', 'temp-admin']);
      const path = `${gateway.url}/api/2.0/mlflow/experiments/get?experiment_id=${world.sharedExperimentId}`;
      const headers = { authorization: basic({ username: 'temp-admin', token }) };
      expect((await fetch(path, { headers })).status).to.equal(200);
      await cli(['user', 'set-admin', 'temp-admin', 'false']);
      const { status, elapsed } = await pollWhileOk(path, headers, ttl * 3);
      expect(status).to.equal(403);
      expect(elapsed, `demotion took ${elapsed} ms`).to.be.at.most(ttl + 500);
    });
  });

  describe('stopping', () => {
    it("finishes a busy kept-alive client's requests with Connection: close and exits, within shutdown_timeout_ms", async () => {
      const gateway = await startExtraGateway('stopping', { MLGATE_SERVER_SHUTDOWN_TIMEOUT_MS: '5000' });
      const url = new URL(`${gateway.url}/api/2.0/mlflow/experiments/get?experiment_id=0`);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const headers = { authorization: basic(world.users.admin) };
      const once = (): Promise<{ status: number; connection: string }> =>
        new Promise((resolve, reject) => {
          http
            .get({ host: url.hostname, port: url.port, path: url.pathname + url.search, agent, headers }, (r) => {
              r.resume();
              r.on('end', () => resolve({ status: r.statusCode ?? 0, connection: String(r.headers['connection']) }));
            })
            .on('error', reject);
        });
      expect((await once()).connection).to.equal('keep-alive');
      const exited = new Promise<number>((resolve) => gateway.process.once('exit', () => resolve(Date.now())));
      // A client that never pauses: before the fix its kept-alive connection held the stopping gateway open.
      let stopped = false;
      let closedUnderIt = false;
      const answers: { status: number; connection: string }[] = [];
      const busy = (async (): Promise<void> => {
        while (!stopped) {
          try {
            answers.push(await once());
          } catch {
            closedUnderIt = true; // the gateway closed the connection, or is gone
            return;
          }
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const signalled = Date.now();
      gateway.process.kill('SIGTERM');
      const exitedAt = await Promise.race([exited, new Promise<number>((r) => setTimeout(() => r(NaN), 8_000))]);
      stopped = true;
      await busy;
      agent.destroy();
      expect(exitedAt - signalled, 'the gateway did not exit while a client kept its connection busy').to.be.lessThan(
        4_000,
      );
      expect(answers.length).to.be.greaterThan(0);
      expect(answers.every((a) => a.status === 200)).to.equal(true);
      // An answer written once the gateway is stopping says Connection: close, and is the last on the connection. The
      // signal may also land between two requests: the gateway then closes the idle connection, and the client's
      // next request fails, after an answer that was kept alive.
      const closing = answers.findIndex((a) => a.connection === 'close');
      if (closing === -1) {
        expect(closedUnderIt, 'no answer said Connection: close, and the connection was not closed').to.equal(true);
      } else {
        expect(closing, 'an answer after the one that said Connection: close').to.equal(answers.length - 1);
      }
    });
  });
});
