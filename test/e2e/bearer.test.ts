/**
 * JWT bearer end to end: a gateway configured against a real OpenID Provider (oidc-provider, started here) by
 * discovery accepts the access tokens it issues, to machine clients (client_credentials) and to people, and
 * refuses every kind of bad token with 401 and its own code. Forged tokens use the provider's real signing key
 * where that is the point (expired, wrong audience, wrong issuer). The real MLflow Python client works with
 * MLFLOW_TRACKING_TOKEN.
 */
import { expect } from 'chai';
import {
  type CryptoKey as JoseCryptoKey,
  type JWTPayload,
  SignJWT,
  UnsecuredJWT,
  base64url,
  decodeJwt,
  exportSPKI,
  generateKeyPair,
  importJWK,
} from 'jose';

import { type OidcProviderHandle, startOidcProvider } from '../../scripts/oidc-provider.js';
import type { Service } from '../../scripts/services.js';
import { runClient } from './python.js';
import { rawGet } from './raw-exchange.js';
import { cli, startExtraGateway, world } from './world.js';

const MACHINE = { clientId: 'ci-runner', clientSecret: 'ci-runner-secret-0123456789abcdef' };
const UNPROVISIONED = { clientId: 'nightly-job', clientSecret: 'nightly-job-secret-0123456789abcdef' };

describe('JWT bearer tokens from a real OIDC provider', () => {
  let provider: OidcProviderHandle;
  let gateway: Service;
  let strictGateway: Service;

  before(async () => {
    provider = await startOidcProvider({
      redirectUris: ['http://127.0.0.1:1/callback'],
      machineClients: [MACHINE, UNPROVISIONED],
    });
    const bearer = {
      MLGATE_JWT_ENABLED: 'true',
      MLGATE_JWT_DISCOVERY_URL: provider.discoveryUrl,
      OIDC_AUDIENCE: provider.audience,
    };
    gateway = await startExtraGateway('bearer', {
      ...bearer,
      OIDC_PROVISION_ON_BEARER_AUTH: 'true',
      OIDC_TRUST_BEARER_GROUP_CLAIMS: 'true',
    });
    strictGateway = await startExtraGateway('bearer-strict', bearer);
  });

  after(async () => {
    await provider?.stop();
  });

  const call = (
    token: string,
    base: string = gateway.url,
    path = '/api/2.0/mlflow/experiments/search?max_results=10',
  ) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });

  async function expectRefused(token: string, code: string): Promise<void> {
    const response = await call(token);
    const body = (await response.json()) as { code?: string; error_code?: string };
    expect(response.status, code).to.equal(401);
    expect(body.code).to.equal(code);
    expect(body.error_code).to.equal('UNAUTHENTICATED');
    expect(response.headers.get('www-authenticate')).to.include('Bearer realm="mlgate"');
  }

  /** A token with the provider's real claims, signed with the provider's real key. */
  async function forge(claims: JWTPayload): Promise<string> {
    const key = await importJWK(provider.signingKey.privateJwk, 'RS256');
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: provider.signingKey.kid, typ: 'at+jwt' })
      .sign(key);
  }

  async function machineToken(): Promise<{ token: string; claims: JWTPayload }> {
    const { accessToken } = await provider.issueClientCredentialsToken(MACHINE);
    return { token: accessToken, claims: decodeJwt(accessToken) };
  }

  describe('accepted', () => {
    it('a client_credentials token issued by the provider: the client is provisioned as a user named by its client id', async () => {
      const { token, claims } = await machineToken();
      expect(claims).to.include({ iss: provider.issuer, aud: provider.audience, client_id: MACHINE.clientId });
      expect(claims['email']).to.equal(undefined);
      const response = await call(token);
      expect(response.status).to.equal(200);
      const users = await cli(['user', 'list']);
      expect(users).to.include(MACHINE.clientId);
    });

    it("a person's access token: the user named by the email claim, with their own grants", async () => {
      await cli(['user', 'create', 'bob@example.org']);
      await cli([
        'grant',
        '--experiment',
        world.sharedExperimentId,
        '--user',
        'bob@example.org',
        '--permission',
        'READ',
      ]);
      const { accessToken } = await provider.userTokens('bob');
      const path = `/api/2.0/mlflow/experiments/get?experiment_id=${world.sharedExperimentId}`;
      const allowed = await call(accessToken, strictGateway.url, path);
      expect(allowed.status).to.equal(200);
      const edit = await fetch(`${strictGateway.url}/api/2.0/mlflow/experiments/set-experiment-tag`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ experiment_id: world.sharedExperimentId, key: 'k', value: 'v' }),
      });
      expect(edit.status).to.equal(403);
      expect(((await edit.json()) as { code: string }).code).to.equal('MLGATE_PERMISSION_DENIED');
    });

    it('cannot mint an access token that would outlive it (tokens.create_with_token is off)', async () => {
      const { token } = await machineToken();
      const response = await fetch(`${gateway.url}/_mlgate/api/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'minted' }),
      });
      expect(response.status).to.equal(403);
      expect(((await response.json()) as { code: string }).code).to.equal('MLGATE_TOKEN_CREATE_FORBIDDEN');
      const listed = await fetch(`${gateway.url}/_mlgate/api/tokens`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(listed.status).to.equal(200); // reading its own (empty) list is fine
    });

    it('token groups (and so admin) count only where group claims are trusted', async () => {
      // ada is in mlflow-admin at the provider, and her token says so; the store knows her without groups.
      await cli(['user', 'create', 'ada@example.org']);
      const { accessToken } = await provider.userTokens('ada');
      expect(decodeJwt(accessToken)['groups']).to.include('mlflow-admin');
      const path = `/api/2.0/mlflow/experiments/get?experiment_id=${world.sharedExperimentId}`;
      const untrusted = await call(accessToken, strictGateway.url, path);
      expect(untrusted.status).to.equal(403);
      expect(((await untrusted.json()) as { code: string }).code).to.equal('MLGATE_PERMISSION_DENIED');
      const trusted = await call(accessToken, gateway.url, path);
      expect(trusted.status).to.equal(200);
    });
  });

  describe('refused with 401 and a distinct code', () => {
    it('a machine identity that is not provisioned, on a gateway that does not provision (MLGATE_BEARER_UNKNOWN_USER)', async () => {
      const { accessToken } = await provider.issueClientCredentialsToken(UNPROVISIONED);
      const response = await call(accessToken, strictGateway.url);
      expect(response.status).to.equal(401);
      expect(((await response.json()) as { code: string }).code).to.equal('MLGATE_BEARER_UNKNOWN_USER');
      expect(await cli(['user', 'list'])).to.not.include(UNPROVISIONED.clientId);
    });

    it('expired (signed with the provider key)', async () => {
      const { claims } = await machineToken();
      const past = Math.floor(Date.now() / 1000) - 3600;
      await expectRefused(await forge({ ...claims, iat: past - 600, exp: past }), 'MLGATE_BEARER_EXPIRED');
    });

    it('wrong audience (signed with the provider key)', async () => {
      const { claims } = await machineToken();
      await expectRefused(await forge({ ...claims, aud: 'urn:another:api' }), 'MLGATE_BEARER_WRONG_AUDIENCE');
    });

    it('wrong issuer (signed with the provider key)', async () => {
      const { claims } = await machineToken();
      await expectRefused(await forge({ ...claims, iss: 'https://evil.example' }), 'MLGATE_BEARER_WRONG_ISSUER');
    });

    it('unknown key', async () => {
      const { claims } = await machineToken();
      const { privateKey } = await generateKeyPair('RS256');
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'not-the-provider' })
        .sign(privateKey);
      await expectRefused(token, 'MLGATE_BEARER_UNKNOWN_KEY');
    });

    it('alg none', async () => {
      const { claims } = await machineToken();
      await expectRefused(new UnsecuredJWT(claims).encode(), 'MLGATE_BEARER_ALG_NONE');
    });

    it("HMAC with the provider's public key as the secret", async () => {
      const { claims } = await machineToken();
      const publicKey = await importJWK(provider.signingKey.publicJwk, 'RS256', { extractable: true });
      const pem = new TextEncoder().encode(await exportSPKI(publicKey as JoseCryptoKey));
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: provider.signingKey.kid })
        .sign(pem);
      await expectRefused(token, 'MLGATE_BEARER_ALG_NOT_ALLOWED');
    });

    it('tampered (a real token whose claims were changed)', async () => {
      const { token } = await machineToken();
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as JWTPayload;
      const altered = base64url.encode(JSON.stringify({ ...claims, client_id: 'admin' }));
      await expectRefused(`${header}.${altered}.${signature}`, 'MLGATE_BEARER_BAD_SIGNATURE');
    });

    it('not a JWT at all, and duplicated Authorization headers', async () => {
      await expectRefused('mlg_this-is-not-a-jwt', 'MLGATE_BEARER_MALFORMED');
      const { token } = await machineToken();
      for (const second of [`Bearer ${token}`, `Basic ${Buffer.from('admin:x').toString('base64')}`]) {
        const answer = await rawGet(gateway.url, '/api/2.0/mlflow/experiments/search?max_results=10', [
          `Authorization: Bearer ${token}`,
          `Authorization: ${second}`,
        ]);
        expect(answer.status).to.equal(401);
        expect(JSON.parse(answer.body)).to.deep.include({
          code: 'MLGATE_BEARER_MALFORMED',
          details: { reason: 'more than one Authorization header' },
        });
      }
    });
  });

  describe('the MLflow Python client with MLFLOW_TRACKING_TOKEN', () => {
    it('logs a run with a token issued by the provider', async () => {
      const { token } = await machineToken();
      const results = await runClient(
        { bearer: token },
        `
mlflow.set_experiment("bearer-machine")
with mlflow.start_run() as run:
    mlflow.log_param("via", "bearer")
    mlflow.log_metric("score", 0.9)
results["run"] = attempt(lambda: MlflowClient().get_run(run.info.run_id).data.params)
results["user"] = attempt(lambda: MlflowClient().get_run(run.info.run_id).info.user_id)
`,
        gateway.url,
      );
      expect(results['run']).to.deep.equal({ ok: true, value: { via: 'bearer' } });
      expect(results['user']).to.deep.equal({ ok: true, value: MACHINE.clientId });
    });

    it('gets 401 with an expired token', async () => {
      const { claims } = await machineToken();
      const past = Math.floor(Date.now() / 1000) - 3600;
      const expired = await forge({ ...claims, iat: past - 600, exp: past });
      const results = await runClient(
        { bearer: expired },
        `results["search"] = attempt(lambda: MlflowClient().search_experiments(max_results=5))`,
        gateway.url,
      );
      expect(results['search']).to.include({ ok: false, status: 401, error_code: 'UNAUTHENTICATED' });
      expect(results['search']?.message).to.include('expired');
    });
  });
});
