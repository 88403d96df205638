/**
 * Trusted proxy headers end to end (oauth2-proxy in front of mlgate): the identity headers are taken from a peer
 * in proxy_auth.trusted_proxies, ignored (and logged) from any other, never passed to MLflow, and refused when
 * duplicated. The test client connects from 127.0.0.1: one gateway trusts 127.0.0.1/32, others trust only a
 * range that excludes it.
 */
import { readFileSync } from 'node:fs';

import { expect } from 'chai';

import { runCli, type Service } from '../../scripts/services.js';
import { rawGet } from './raw-exchange.js';
import { recordingUpstream } from './recording-upstream.js';
import { basic, cli, startExtraGateway, world } from './world.js';

const TRUST_LOOPBACK = { MLGATE_PROXY_AUTH_ENABLED: 'true', MLGATE_PROXY_AUTH_TRUSTED_PROXIES: '127.0.0.1/32' };
const TRUST_ELSEWHERE = { MLGATE_PROXY_AUTH_ENABLED: 'true', MLGATE_PROXY_AUTH_TRUSTED_PROXIES: '10.0.0.0/8,fd00::/8' };
// Names outside the fixed list of headers mlgate always strips (X-Forwarded-*, X-Auth-Request-*).
const CUSTOM_NAMES = {
  MLGATE_PROXY_AUTH_USER_HEADERS: 'X-Identity-Email',
  MLGATE_PROXY_AUTH_GROUPS_HEADER: 'X-Identity-Groups',
};

describe('trusted proxy headers', () => {
  let gateway: Service;
  const experimentPath = (): string => `/api/2.0/mlflow/experiments/get?experiment_id=${world.sharedExperimentId}`;

  before(async () => {
    gateway = await startExtraGateway('proxy-trusted', TRUST_LOOPBACK);
  });

  const get = (base: string, path: string, headers: Record<string, string>) => fetch(`${base}${path}`, { headers });
  const codeOf = async (response: Response): Promise<string> => ((await response.json()) as { code: string }).code;

  describe('from an allowed address', () => {
    it("are the user's identity, with their grants", async () => {
      const reader = await get(gateway.url, experimentPath(), { 'X-Forwarded-Email': 'reader' });
      expect(reader.status).to.equal(200);
      const outsider = await get(gateway.url, experimentPath(), { 'X-Forwarded-User': 'outsider' });
      expect(outsider.status).to.equal(403);
      expect(await codeOf(outsider)).to.equal('MLGATE_PERMISSION_DENIED');
    });

    it('create an unknown user on first use, and its groups header counts (admin group included)', async () => {
      const newcomer = await get(gateway.url, experimentPath(), { 'X-Forwarded-Email': 'Newcomer@Example.org' });
      expect(newcomer.status).to.equal(403);
      expect(await cli(['user', 'list'])).to.include('newcomer@example.org');
      const notYet = await get(gateway.url, experimentPath(), {
        'X-Forwarded-Email': 'newcomer@example.org',
        'X-Forwarded-Groups': 'contractors',
      });
      expect(notYet.status).to.equal(403);
      const viaTeam = await get(gateway.url, experimentPath(), {
        'X-Forwarded-Email': 'newcomer@example.org',
        'X-Forwarded-Groups': 'contractors, team-x',
      });
      expect(viaTeam.status).to.equal(200);
      const asAdmin = await get(gateway.url, experimentPath(), {
        'X-Forwarded-Email': 'newcomer@example.org',
        'X-Forwarded-Groups': 'mlflow-admin',
      });
      expect(asAdmin.status).to.equal(200);
    });

    it('are refused when duplicated, or when the user header names several users', async () => {
      const twice = await rawGet(gateway.url, experimentPath(), [
        'X-Forwarded-Email: reader',
        'X-Forwarded-Email: admin',
      ]);
      expect(twice.status).to.equal(400);
      expect(JSON.parse(twice.body)).to.deep.include({
        code: 'MLGATE_PROXY_HEADER_DUPLICATED',
        details: { header: 'x-forwarded-email' },
      });
      const groupsTwice = await rawGet(gateway.url, experimentPath(), [
        'X-Forwarded-Email: reader',
        'X-Forwarded-Groups: team-x',
        'x-forwarded-groups: mlflow-admin',
      ]);
      expect(JSON.parse(groupsTwice.body)).to.include({ code: 'MLGATE_PROXY_HEADER_DUPLICATED' });
      const joined = await get(gateway.url, experimentPath(), { 'X-Forwarded-Email': 'reader, admin' });
      expect(joined.status).to.equal(400);
      expect(await codeOf(joined)).to.equal('MLGATE_PROXY_HEADER_DUPLICATED');
    });

    it('from a browser on another site, cannot change anything (origin check, as for session cookies)', async () => {
      const write = (headers: Record<string, string>) =>
        fetch(`${gateway.url}/api/2.0/mlflow/experiments/set-experiment-tag`, {
          method: 'POST',
          headers: { 'X-Forwarded-Email': 'editor', 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ experiment_id: world.sharedExperimentId, key: 'proxy-origin', value: 'v' }),
        });
      const forged = await write({ origin: 'https://evil.example' });
      expect(forged.status).to.equal(403);
      expect(await codeOf(forged)).to.equal('MLGATE_CROSS_SITE_REFUSED');
      const ownPage = await write({ origin: gateway.url });
      expect(ownPage.status).to.equal(200);
      const script = await write({});
      expect(script.status, 'a client without browser headers, such as the MLflow client').to.equal(200);
    });

    it('are never passed on to MLflow', async () => {
      const upstream = await recordingUpstream();
      try {
        const recording = await startExtraGateway('proxy-trusted-recording', {
          ...TRUST_LOOPBACK,
          ...CUSTOM_NAMES,
          MLGATE_UPSTREAM_URL: upstream.url,
        });
        const response = await fetch(`${recording.url}/api/2.0/mlflow/runs/log-parameter`, {
          method: 'POST',
          headers: { 'x-identity-email': 'editor', 'x-identity-groups': 'team-x', 'content-type': 'application/json' },
          body: JSON.stringify({ run_id: '0123456789abcdef0123456789abcdef', key: 'k', value: 'v' }),
        });
        expect(response.status).to.equal(200);
        const forwarded = upstream.requests.find((r) => r.url === '/api/2.0/mlflow/runs/log-parameter');
        expect(forwarded, 'the request reached MLflow').to.not.equal(undefined);
        expect(Object.keys(forwarded?.headers ?? {})).to.not.include.members(['x-identity-email', 'x-identity-groups']);
      } finally {
        await upstream.close();
      }
    });
  });

  describe('from any other address', () => {
    it('are ignored: no identity, no admin', async () => {
      const other = await startExtraGateway('proxy-untrusted', TRUST_ELSEWHERE);
      const anonymous = await get(other.url, experimentPath(), {
        'X-Forwarded-Email': 'admin',
        'X-Forwarded-Groups': 'mlflow-admin',
      });
      expect(anonymous.status).to.equal(401);
      expect(await codeOf(anonymous)).to.equal('MLGATE_AUTH_REQUIRED');
      const outsider = await get(other.url, experimentPath(), {
        authorization: basic(world.users.outsider),
        'X-Forwarded-Email': 'admin',
        'X-Forwarded-Groups': 'mlflow-admin',
      });
      expect(outsider.status).to.equal(403);
    });

    it('are stripped before MLflow and logged (peer address and header names, no group values)', async () => {
      const upstream = await recordingUpstream();
      try {
        const other = await startExtraGateway('proxy-untrusted-recording', {
          ...TRUST_ELSEWHERE,
          ...CUSTOM_NAMES,
          MLGATE_UPSTREAM_URL: upstream.url,
        });
        const response = await fetch(`${other.url}/api/2.0/mlflow/runs/log-parameter`, {
          method: 'POST',
          headers: {
            authorization: basic(world.users.editor),
            'x-identity-email': 'admin',
            'x-identity-groups': 'secret-group-name',
            'content-type': 'application/json',
          },
          body: JSON.stringify({ run_id: '0123456789abcdef0123456789abcdef', key: 'k', value: 'v' }),
        });
        expect(response.status).to.equal(200);
        const forwarded = upstream.requests.find((r) => r.url === '/api/2.0/mlflow/runs/log-parameter');
        expect(forwarded, 'the request reached MLflow').to.not.equal(undefined);
        expect(Object.keys(forwarded?.headers ?? {})).to.not.include.members(['x-identity-email', 'x-identity-groups']);

        const log = readFileSync(other.logFile, 'utf8');
        const warnings = log
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .filter((line) => line['msg'] === 'identity headers from an untrusted peer were ignored and stripped');
        expect(warnings).to.have.length(1);
        expect(warnings[0]).to.deep.include({
          peer_address: '127.0.0.1',
          headers: ['x-identity-email', 'x-identity-groups'],
          claimed_user: 'admin',
        });
        expect(log).to.not.include('secret-group-name');
      } finally {
        await upstream.close();
      }
    });
  });

  it('mlgate refuses to start this mode without a list of trusted proxies', async () => {
    const result = await runCli(['serve'], {
      ...world.env,
      MLGATE_PROXY_AUTH_ENABLED: 'true',
      MLGATE_SERVER_PORT: '0',
    });
    expect(result.code).to.equal(2);
    expect(result.stderr + result.stdout)
      .to.include('proxy_auth.trusted_proxies')
      .and.include('could claim any identity');
  });
});
