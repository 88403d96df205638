/**
 * Browser single sign-on end to end, in chromium (playwright-core, Debian's chromium): a real OpenID provider
 * (oidc-provider, scripts/oidc-provider.ts) with an administrator (group mlflow-admin), a plain user (mlflow) and a
 * user in neither, and a gateway started for it on the e2e world's store and MLflow. Each user opens an MLflow UI
 * page through the gateway, is sent to the provider, logs in, lands on the page first asked for, uses the UI as
 * their grants allow and logs out; the user in neither group gets the refusal page.
 *
 * Set UI_SCREENSHOT_DIR to keep screenshots (docs/images/ holds the login picker, a landed page, the refusal).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';

import { expect } from 'chai';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';

import type { Service } from '../../scripts/services.js';
import { freePort } from '../../scripts/services.js';
import { DEFAULT_ACCOUNTS, type OidcProviderHandle, startOidcProvider } from '../../scripts/oidc-provider.js';
import { runClient } from './python.js';
import { cli, startExtraGateway, world } from './world.js';

const CHROMIUM = '/usr/bin/chromium';

function passwordOf(username: string): string {
  return DEFAULT_ACCOUNTS.find((a) => a.username === username)?.password ?? '';
}

describe('browser single sign-on through OIDC, in chromium', function () {
  this.timeout(240_000);
  let browser: Browser;
  let provider: OidcProviderHandle;
  let partner: OidcProviderHandle;
  let gateway: Service;
  const stamp = Date.now().toString(36);
  const visibleName = `sso-visible-${stamp}`;
  const hiddenName = `sso-hidden-${stamp}`;
  let visibleId: string;
  let hiddenId: string;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing, so the browser test cannot run. Install it with scripts/bootstrap.sh.`);
    }
    const created = await runClient(
      world.users.admin,
      `
visible = mlflow.create_experiment(${JSON.stringify(visibleName)})
hidden = mlflow.create_experiment(${JSON.stringify(hiddenName)})
with mlflow.start_run(experiment_id=visible, run_name="team-b-run"):
    mlflow.log_metric("accuracy", 0.91)
with mlflow.start_run(experiment_id=hidden, run_name="secret-run"):
    mlflow.log_metric("accuracy", 0.5)
results["ids"] = {"ok": True, "value": [visible, hidden]}
`,
    );
    [visibleId, hiddenId] = created['ids']?.value as [string, string];
    // Bob's provider group team-b may read the visible experiment; nobody but administrators the hidden one.
    await cli(['grant', '--experiment', visibleId, '--group', 'team-b', '--permission', 'READ']);

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const registered = { redirectUris: [`${url}/callback`], postLogoutRedirectUris: [`${url}/_mlgate/signed-out`] };
    provider = await startOidcProvider(registered);
    gateway = await startExtraGateway('sso-gateway', {
      MLGATE_SERVER_PORT: String(port),
      OIDC_DISCOVERY_URL: provider.discoveryUrl,
      OIDC_CLIENT_ID: provider.clients.web.clientId,
      OIDC_CLIENT_SECRET: provider.clients.web.clientSecret,
      OIDC_PROVIDER_DISPLAY_NAME: 'Company login',
    });
    partner = await startOidcProvider({ ...registered, groupsClaim: 'realm_access.roles' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  });

  after(async () => {
    await browser?.close();
    await provider?.stop();
    await partner?.stop();
  });

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    return { context, page: await context.newPage() };
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    const dir = process.env['UI_SCREENSHOT_DIR'];
    if (dir !== undefined && dir !== '') {
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, name) });
    }
  }

  /** Opens `target` on `gatewayUrl`, expects the provider's login form, and signs in there. */
  async function openAndSignIn(
    page: Page,
    at: OidcProviderHandle,
    gatewayUrl: string,
    target: string,
    username: string,
  ) {
    await page.goto(`${gatewayUrl}${target}`);
    await page.waitForURL((u) => u.origin === at.issuer && u.pathname.startsWith('/interaction/'));
    await page.locator('#login').fill(username);
    await page.locator('#password').fill(passwordOf(username));
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** The gateway's cookies of this context, as a Cookie header. */
  async function cookieHeader(context: BrowserContext, url: string): Promise<string> {
    return (await context.cookies(url)).map((c) => `${c.name}=${c.value}`).join('; ');
  }

  it('keeps login off on a gateway without a discovery URL: no login routes, Basic challenges as before', async () => {
    expect((await fetch(`${world.gateway.url}/_mlgate/login?rd=%2F`)).status).to.equal(404);
    const answer = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http
        .get(`${world.gateway.url}/`, { headers: { 'sec-fetch-mode': 'navigate', accept: 'text/html' } }, resolve)
        .once('error', reject),
    );
    answer.resume();
    expect(answer.statusCode).to.equal(401);
    expect(answer.headers['www-authenticate']).to.match(/^Basic realm=/);
  });

  it('refuses the UI to a browser without a session: to the login page, which keeps the page asked for', async () => {
    // node:http, not fetch: fetch always sends Sec-Fetch-Mode: cors.
    const answer = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http
        .get(`${gateway.url}/`, { headers: { 'sec-fetch-mode': 'navigate', accept: 'text/html' } }, resolve)
        .once('error', reject),
    );
    answer.resume();
    expect(answer.statusCode).to.equal(302);
    expect(answer.headers.location).to.equal('/_mlgate/login?rd=%2F');
    const api = await fetch(`${gateway.url}/ajax-api/2.0/mlflow/experiments/search?max_results=10`);
    expect(api.status).to.equal(401);
  });

  it('logs the administrator in and lands on the page first asked for; they see every experiment', async () => {
    const { context, page } = await newPage();
    const target = `/#/experiments/${hiddenId}/runs`;
    await openAndSignIn(page, provider, gateway.url, target, 'ada');
    await page.waitForURL(`${gateway.url}${target}`);
    await page.getByText('secret-run').first().waitFor();
    await page.goto(`${gateway.url}/#/experiments`);
    await page.getByText(visibleName).first().waitFor();
    await page.getByText(hiddenName).first().waitFor();
    await context.close();
  });

  it('logs a plain user in: they see the experiment their group was granted and are refused the other', async () => {
    const { context, page } = await newPage();
    const target = `/#/experiments/${visibleId}/runs`;
    await openAndSignIn(page, provider, gateway.url, target, 'bob');
    await page.waitForURL(`${gateway.url}${target}`);
    await page.getByText('team-b-run').first().waitFor();
    await screenshot(page, 'sso-landed-plain-user.png');

    await page.goto(`${gateway.url}/#/experiments`);
    await page.getByText(visibleName).first().waitFor();
    expect(await page.getByText(hiddenName).count()).to.equal(0);
    await page.goto(`${gateway.url}/#/experiments/${hiddenId}/runs`);
    await page.getByText(`GetExperiment needs READ on experiment ${hiddenId}`).first().waitFor();
    expect(await page.getByText('secret-run').count()).to.equal(0);

    // The user exists now, with the provider's groups.
    expect(await cli(['user', 'list'])).to.match(/bob@example\.org\b/);

    // Log out: the mlgate session ends, then the provider's (its own confirmation), then the signed-out page.
    const before = await cookieHeader(context, gateway.url);
    expect(before).to.include('mlgate_session=');
    const asBob = await fetch(`${gateway.url}/ajax-api/2.0/mlflow/experiments/get?experiment_id=${visibleId}`, {
      headers: { cookie: before },
    });
    expect(asBob.status).to.equal(200);
    await page.goto(`${gateway.url}/_mlgate/logout`);
    await page.getByRole('button', { name: 'Sign out' }).click(); // a POST from the gateway's own page
    await page.waitForURL((u) => u.origin === provider.issuer);
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(`${gateway.url}/_mlgate/signed-out`);
    await page.getByText('You are signed out').waitFor();

    // The old session cookie no longer works, and the browser is sent to log in again (at the provider: its
    // session has ended too).
    const replay = await fetch(`${gateway.url}/ajax-api/2.0/mlflow/experiments/get?experiment_id=${visibleId}`, {
      headers: { cookie: before },
    });
    expect(replay.status).to.equal(401);
    await page.goto(`${gateway.url}${target}`);
    await page.waitForURL((u) => u.origin === provider.issuer && u.pathname.startsWith('/interaction/'));
    await context.close();
  });

  it('refuses the user in neither group with a page that says why and which groups are needed', async () => {
    const { context, page } = await newPage();
    await openAndSignIn(page, provider, gateway.url, '/', 'eve');
    await page.getByRole('heading', { name: 'Access to MLflow is not allowed' }).waitFor();
    const text = await page.locator('main').innerText();
    expect(text).to.include('eve@example.org');
    expect(text).to.include('Groups that give access: mlflow, mlflow-admin');
    expect(text).to.include('Your groups: contractors');
    expect(text).to.include('MLGATE_LOGIN_GROUP_REQUIRED');
    await screenshot(page, 'sso-refused-no-group.png');
    // No session was made: the UI's API still asks for credentials.
    const api = await fetch(`${gateway.url}/ajax-api/2.0/mlflow/experiments/search?max_results=10`, {
      headers: { cookie: await cookieHeader(context, gateway.url) },
    });
    expect(api.status).to.equal(401);
    await context.close();
  });

  it('offers a picker when several providers are configured; a nested groups claim works', async () => {
    const dir = join(world.dir, 'sso-picker');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'providers.yaml');
    writeFileSync(
      file,
      [
        'providers:',
        '  - id: partner',
        '    display_name: Partner login',
        `    discovery_url: ${partner.discoveryUrl}`,
        `    client_id: ${partner.clients.web.clientId}`,
        '    groups_attribute: realm_access.roles',
        '',
      ].join('\n'),
    );
    await gateway.stop();
    gateway = await startExtraGateway('sso-gateway-picker', {
      MLGATE_SERVER_PORT: new URL(gateway.url).port,
      OIDC_DISCOVERY_URL: provider.discoveryUrl,
      OIDC_CLIENT_ID: provider.clients.web.clientId,
      OIDC_CLIENT_SECRET: provider.clients.web.clientSecret,
      OIDC_PROVIDER_DISPLAY_NAME: 'Company login',
      AUTH_PROVIDERS_FILE: file,
      OIDC_CLIENT_SECRET_PARTNER: partner.clients.web.clientSecret,
    });
    const { context, page } = await newPage();
    const target = `/#/experiments/${visibleId}/runs`;
    await page.goto(`${gateway.url}${target}`);
    await page.getByRole('link', { name: 'Partner login' }).waitFor();
    await page.getByRole('link', { name: 'Company login' }).waitFor();
    await screenshot(page, 'sso-login-picker.png');
    await page.getByRole('link', { name: 'Partner login' }).click();
    await page.waitForURL((u) => u.origin === partner.issuer && u.pathname.startsWith('/interaction/'));
    await page.locator('#login').fill('bob');
    await page.locator('#password').fill(passwordOf('bob'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${gateway.url}${target}`);
    await page.getByText('team-b-run').first().waitFor();
    await context.close();
  });
});
