/**
 * Two mlgate processes on one MongoDB, with browser login against a real OIDC provider: a session signed in
 * through one works on the other, and ending it on one (logout, or `mlgate session revoke`) ends it on both.
 */
import { expect } from 'chai';

import { CookieJar } from '../../scripts/cookie-jar.js';
import { DEFAULT_ACCOUNTS, type OidcProviderHandle, startOidcProvider } from '../../scripts/oidc-provider.js';
import { type Service, freePort } from '../../scripts/services.js';
import { cli, startExtraGateway, world } from './world.js';

describe('browser sessions shared by two gateway processes', function () {
  this.timeout(120_000);
  let provider: OidcProviderHandle;
  let one: Service;
  let two: Service;
  const bob = DEFAULT_ACCOUNTS.find((a) => a.username === 'bob') as { username: string; password: string };

  before(async () => {
    const ports = [await freePort(), await freePort()];
    const urls = ports.map((port) => `http://127.0.0.1:${port}`);
    provider = await startOidcProvider({
      redirectUris: urls.map((url) => `${url}/callback`),
      postLogoutRedirectUris: urls.map((url) => `${url}/_mlgate/signed-out`),
    });
    const login = {
      OIDC_DISCOVERY_URL: provider.discoveryUrl,
      OIDC_CLIENT_ID: provider.clients.web.clientId,
      OIDC_CLIENT_SECRET: provider.clients.web.clientSecret,
    };
    one = await startExtraGateway('replica-one', { ...login, MLGATE_SERVER_PORT: String(ports[0]) });
    two = await startExtraGateway('replica-two', { ...login, MLGATE_SERVER_PORT: String(ports[1]) });
    await cli(['grant', '--experiment', world.sharedExperimentId, '--user', 'bob@example.org', '--permission', 'READ']);
  });

  after(async () => {
    await provider?.stop();
  });

  /** Signs bob in through `gateway` as a browser would. */
  async function signIn(gateway: Service): Promise<CookieJar> {
    const browser = new CookieJar();
    const start = await browser.get(`${gateway.url}/_mlgate/login/oidc?rd=%2F`);
    const done = await browser.get(await provider.signIn(start.headers.get('location') as string, bob));
    expect(done.status, await done.clone().text()).to.equal(302);
    expect(browser.cookies.has('mlgate_session')).to.equal(true);
    return browser;
  }

  const read = async (gateway: Service, browser: CookieJar): Promise<number> =>
    (
      await fetch(`${gateway.url}/api/2.0/mlflow/experiments/get?experiment_id=${world.sharedExperimentId}`, {
        headers: { cookie: browser.header('mlgate_session') },
      })
    ).status;

  it('serves a session signed in on one process from the other', async () => {
    const browser = await signIn(one);
    expect(await read(one, browser)).to.equal(200);
    expect(await read(two, browser)).to.equal(200);
  });

  it('ends it on both when the user logs out on one', async () => {
    const browser = await signIn(one);
    expect(await read(two, browser)).to.equal(200);
    const cookie = browser.header('mlgate_session');
    const logout = await browser.get(`${one.url}/_mlgate/logout`, { method: 'POST', headers: { origin: one.url } });
    expect(logout.status).to.equal(302);
    const stale = await fetch(`${two.url}/api/2.0/mlflow/experiments/get?experiment_id=${world.sharedExperimentId}`, {
      headers: { cookie },
    });
    expect(stale.status).to.equal(401);
  });

  it('ends it on both when an operator revokes it', async () => {
    const browser = await signIn(two);
    expect(await read(one, browser)).to.equal(200);
    expect(await cli(['session', 'revoke', 'bob@example.org'])).to.match(/Signed bob@example.org out of \d+ session/);
    expect(await read(one, browser)).to.equal(401);
    expect(await read(two, browser)).to.equal(401);
  });
});
