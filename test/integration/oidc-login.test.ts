/**
 * The browser login routes against a real OpenID provider (oidc-provider, scripts/oidc-provider.ts) and the
 * MongoDB store on FerretDB, driven over HTTP as a browser would (cookies kept per origin, redirects followed by
 * hand): the code flow with PKCE, state and nonce, single-use login states any replica can finish, the group
 * gate, users created and their provider groups refreshed, several providers, logout through end_session, and
 * every refusal with its code.
 */
import { createStartLimiter } from '../../src/auth/oidc/start-limit.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { expect } from 'chai';
import Koa from 'koa';

import { createOidcClient } from '../../src/auth/oidc/client.js';
import { type LoginRoutesDeps, LOGIN_COOKIE, createLoginRoutes } from '../../src/auth/oidc/routes.js';
import type { OidcProviderSettings, OidcSettings } from '../../src/auth/oidc/settings.js';
import { createSessionManager } from '../../src/auth/session/manager.js';
import { errorBoundary } from '../../src/http/error-boundary.js';
import { decodePathStage } from '../../src/http/match-route.js';
import { requestContext } from '../../src/http/request-context.js';
import type { GatewayState } from '../../src/http/state.js';
import { transportStage } from '../../src/http/transport.js';
import { createLogger } from '../../src/logging.js';
import { openMongoStore } from '../../src/store/mongo/store.js';
import type { Store } from '../../src/store/types.js';
import { type FerretDB, startFerretDB } from '../../scripts/services.js';
import { type OidcProviderHandle, DEFAULT_ACCOUNTS, startOidcProvider } from '../../scripts/oidc-provider.js';
import { tempDir } from '../helpers/tmp.js';
import { CookieJar as Browser } from '../../scripts/cookie-jar.js';

function location(answer: Response): string {
  const value = answer.headers.get('location');
  expect(value, `a redirect, got ${answer.status}`).to.be.a('string');
  return value as string;
}

function errorCode(html: string): string | undefined {
  return /Error code <code>(MLGATE_[A-Z_]+)<\/code>/.exec(html)?.[1];
}

describe('browser login through OIDC (routes, real provider, FerretDB)', function () {
  this.timeout(60_000);
  const tmp = tempDir('oidc-login');
  let ferret: FerretDB;
  let store: Store;
  let server: http.Server;
  let gateway: string;
  let provider: OidcProviderHandle;
  let second: OidcProviderHandle;
  const logLines: string[] = [];
  let handler: http.RequestListener = (_req, res) => res.end();

  function providerSettings(id: string, p: OidcProviderHandle, extra: Partial<OidcProviderSettings> = {}) {
    return {
      id,
      displayName: `Log in with ${id}`,
      discoveryUrl: p.discoveryUrl,
      clientId: p.clients.web.clientId,
      clientSecret: p.clients.web.clientSecret,
      scope: 'openid email profile',
      usernameClaims: ['email', 'preferred_username'],
      groupsAttribute: 'groups',
      userinfoGroups: false,
      ...extra,
    };
  }

  let startLimit = { max: 1000, windowMs: 60_000 };

  /** (Re)builds the gateway's login routes with these settings. */
  function serve(settings: Partial<OidcSettings> & Pick<OidcSettings, 'providers'>): void {
    const full: OidcSettings = {
      redirectUri: '/callback',
      callbackPath: '/callback',
      allowedGroups: ['mlflow'],
      adminGroups: ['mlflow-admin'],
      loginTimeoutMs: 60_000,
      httpTimeoutMs: 5_000,
      ...settings,
    };
    const logger = createLogger({ level: 'debug', format: 'json', write: (line) => logLines.push(line) });
    const sessions = createSessionManager({
      repository: store.sessions,
      secretKey: 'an integration test secret key of 32+ characters',
      settings: {
        cookieName: 'mlgate_session',
        cookieSecure: 'auto',
        maxAgeMs: 3_600_000,
        idleMs: 3_600_000,
        touchIntervalMs: 60_000,
      },
      logger,
    });
    const deps: LoginRoutesDeps = {
      settings: full,
      clients: new Map(full.providers.map((p) => [p.id, createOidcClient(p, { timeoutMs: full.httpTimeoutMs })])),
      users: store.users,
      loginStates: store.loginStates,
      sessions,
      allowedOrigins: [],
      startLimiter: createStartLimiter(startLimit),
      clientAddress: (request) => request.peerAddress,
    };
    const app = new Koa<GatewayState>();
    app.use(requestContext(logger));
    app.use(errorBoundary());
    app.use(decodePathStage());
    app.use(transportStage([]));
    app.use(sessions.stage(app));
    app.use(createLoginRoutes(deps).routes());
    const callback = app.callback();
    handler = (req, res) => void callback(req, res);
  }

  /** Starts at /_mlgate/login/<id>, signs in at the provider, and returns the callback's answer. */
  async function login(
    browser: Browser,
    username: string,
    options: { providerId?: string; at?: OidcProviderHandle; rd?: string } = {},
  ): Promise<Response> {
    const at = options.at ?? provider;
    const start = await browser.get(
      `${gateway}/_mlgate/login/${options.providerId ?? 'oidc'}?rd=${encodeURIComponent(options.rd ?? '/')}`,
    );
    expect(start.status).to.equal(302);
    const password = DEFAULT_ACCOUNTS.find((a) => a.username === username)?.password ?? '';
    const back = await at.signIn(location(start), { username, password });
    return browser.get(back);
  }

  before(async () => {
    ferret = await startFerretDB(tmp.path);
    store = await openMongoStore({ uri: ferret.uri, database: 'oidc_login', timeoutMs: 5000 });
    server = http.createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    gateway = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const registered = {
      redirectUris: [`${gateway}/callback`],
      postLogoutRedirectUris: [`${gateway}/_mlgate/signed-out`],
    };
    provider = await startOidcProvider(registered);
    // A second provider where ada is no longer an administrator, and groups live under realm_access.roles.
    second = await startOidcProvider({
      ...registered,
      groupsClaim: 'realm_access.roles',
      accounts: DEFAULT_ACCOUNTS.map((a) => (a.username === 'ada' ? { ...a, groups: ['mlflow'] } : a)),
    });
  });

  /** The sessions of a user in the store (what the session manager wrote). */
  async function sessionsOf(username: string): Promise<Record<string, unknown>[]> {
    return (await store.sessions.listForUser(username)).map((s) => ({ ...s.data }));
  }

  beforeEach(async () => {
    for (const user of ['ada@example.org', 'bob@example.org', 'eve@example.org']) {
      await store.sessions.deleteAllForUser(user);
    }
    logLines.length = 0;
    serve({ providers: [providerSettings('oidc', provider)] });
  });

  after(async () => {
    await provider?.stop();
    await second?.stop();
    server?.close();
    await store?.close();
    await ferret?.stop();
    tmp.remove();
  });

  it('shows the login page, which continues to the only provider with the return target', async () => {
    const answer = await new Browser().get(`${gateway}/_mlgate/login?rd=${encodeURIComponent('/#/experiments/1')}`);
    expect(answer.status).to.equal(200);
    expect(answer.headers.get('content-security-policy')).to.match(/script-src 'nonce-[^']+'/);
    const html = await answer.text();
    expect(html).to.include('href="/_mlgate/login/oidc?rd=%2F%23%2Fexperiments%2F1"');
    expect(html).to.include('<body data-continue>');
  });

  it('logs a plain user in: code flow, user created with the provider groups, session, back to the page', async () => {
    const browser = new Browser();
    const start = await browser.get(`${gateway}/_mlgate/login/oidc?rd=${encodeURIComponent('/#/experiments/7?x=1')}`);
    expect(start.status).to.equal(302);
    const authorize = new URL(location(start));
    expect(authorize.origin).to.equal(provider.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).to.equal('S256');
    expect(authorize.searchParams.get('code_challenge')).to.have.length(43);
    expect(authorize.searchParams.get('state')).to.have.length.greaterThan(20);
    expect(authorize.searchParams.get('nonce')).to.have.length.greaterThan(20);
    expect(authorize.searchParams.get('redirect_uri')).to.equal(`${gateway}/callback`);
    expect(authorize.searchParams.get('scope')).to.equal('openid email profile');
    const cookieLine = browser.setCookieLines.find((l) => l.startsWith(`${LOGIN_COOKIE}=`)) ?? '';
    expect(cookieLine).to.match(/; httponly/i);
    expect(cookieLine).to.match(/; samesite=lax/i);
    expect(cookieLine).to.match(/; path=\//i);

    const back = await provider.signIn(authorize.href, { username: 'bob', password: 'bob-password' });
    const done = await browser.get(back);
    expect(done.status).to.equal(302);
    expect(location(done)).to.equal('/#/experiments/7?x=1');
    expect(browser.cookies.has(LOGIN_COOKIE), 'the login cookie is cleared').to.equal(false);

    const [session, more] = await sessionsOf('bob@example.org');
    expect(more).to.equal(undefined);
    expect(session).to.deep.include({ username: 'bob@example.org', provider: 'oidc', isAdmin: false });
    expect(session?.['groups']).to.deep.equal(['mlflow', 'team-b']);
    expect(session?.['idTokenHint']).to.be.a('string');
    const sessionCookie = browser.setCookieLines.find((l) => l.startsWith('mlgate_session=')) ?? '';
    expect(sessionCookie).to.match(/; httponly/i);
    expect(browser.cookies.has('mlgate_session.sig'), 'the session cookie is signed').to.equal(true);
    expect(await store.users.get('bob@example.org')).to.deep.include({
      isAdmin: false,
      groups: [],
      providerGroups: ['mlflow', 'team-b'],
    });
  });

  it('logs an administrator in by the admin group, with the e-mail address lower-cased as the username', async () => {
    const done = await login(new Browser(), 'ada');
    expect(done.status).to.equal(302);
    const [session] = await sessionsOf('ada@example.org');
    expect(session).to.deep.include({ username: 'ada@example.org', isAdmin: true });
    expect((await store.users.get('ada@example.org'))?.providerGroups).to.deep.equal(['mlflow-admin', 'staff']);
  });

  it('refuses a user in neither group with a page naming the groups, and creates no user', async () => {
    const done = await login(new Browser(), 'eve');
    expect(done.status).to.equal(403);
    const html = await done.text();
    expect(errorCode(html)).to.equal('MLGATE_LOGIN_GROUP_REQUIRED');
    expect(html).to.include('<code>mlflow</code>, <code>mlflow-admin</code>');
    expect(html).to.include('<code>contractors</code>');
    expect(html).to.include('eve@example.org');
    expect(await sessionsOf('eve@example.org')).to.deep.equal([]);
    expect(await store.users.get('eve@example.org')).to.equal(null);
  });

  it('lets a user in by a group stored in MongoDB, or by the store admin flag', async () => {
    await store.users.create({ username: 'eve@example.org', isAdmin: false, groups: ['mlflow'] });
    try {
      expect((await login(new Browser(), 'eve')).status).to.equal(302);
      expect((await sessionsOf('eve@example.org'))[0]).to.deep.include({ username: 'eve@example.org', isAdmin: false });
      await store.users.update('eve@example.org', { groups: [], isAdmin: true });
      expect((await login(new Browser(), 'eve')).status).to.equal(302);
    } finally {
      await store.users.delete('eve@example.org');
    }
  });

  it('uses a login state once: replaying the callback is refused', async () => {
    const browser = new Browser();
    const start = await browser.get(`${gateway}/_mlgate/login/oidc?rd=%2F`);
    const cookie = browser.cookies.get(LOGIN_COOKIE) as string;
    const back = await provider.signIn(location(start), { username: 'bob', password: 'bob-password' });
    expect((await browser.get(back)).status).to.equal(302);
    browser.cookies.set(LOGIN_COOKIE, cookie);
    const replay = await browser.get(back);
    expect(replay.status).to.equal(400);
    expect(errorCode(await replay.text())).to.equal('MLGATE_LOGIN_STATE_INVALID');
  });

  it('refuses a callback without the login cookie, or with an unknown one', async () => {
    const browser = new Browser();
    const start = await browser.get(`${gateway}/_mlgate/login/oidc?rd=%2F`);
    const back = await provider.signIn(location(start), { username: 'bob', password: 'bob-password' });
    const stranger = new Browser();
    const noCookie = await stranger.get(back);
    expect(noCookie.status).to.equal(400);
    expect(errorCode(await noCookie.text())).to.equal('MLGATE_LOGIN_STATE_INVALID');
    stranger.cookies.set(LOGIN_COOKIE, 'forged');
    expect(errorCode(await (await stranger.get(back)).text())).to.equal('MLGATE_LOGIN_STATE_INVALID');
    expect(await sessionsOf('bob@example.org')).to.deep.equal([]);
  });

  it("refuses a code from another browser's login (state mismatch: login CSRF)", async () => {
    const victim = new Browser();
    await victim.get(`${gateway}/_mlgate/login/oidc?rd=%2F`);
    const attacker = new Browser();
    const start = await attacker.get(`${gateway}/_mlgate/login/oidc?rd=%2F`);
    const attackersCallback = await provider.signIn(location(start), { username: 'bob', password: 'bob-password' });
    const answer = await victim.get(attackersCallback);
    expect(answer.status).to.equal(400);
    expect(errorCode(await answer.text())).to.equal('MLGATE_LOGIN_FAILED');
    expect(await sessionsOf('bob@example.org')).to.deep.equal([]);
  });

  it('refuses an expired login state', async () => {
    serve({ providers: [providerSettings('oidc', provider)], loginTimeoutMs: 1 });
    const browser = new Browser();
    const start = await browser.get(`${gateway}/_mlgate/login/oidc?rd=%2F`);
    const back = await provider.signIn(location(start), { username: 'bob', password: 'bob-password' });
    const answer = await browser.get(back);
    expect(answer.status).to.equal(400);
    expect(errorCode(await answer.text())).to.equal('MLGATE_LOGIN_STATE_INVALID');
  });

  it('finishes a login another replica started (the state is in MongoDB, not the process)', async () => {
    const browser = new Browser();
    const start = await browser.get(`${gateway}/_mlgate/login/oidc?rd=%2Fpage`);
    const back = await provider.signIn(location(start), { username: 'bob', password: 'bob-password' });
    serve({ providers: [providerSettings('oidc', provider)] }); // a fresh set of routes and clients: "another replica"
    const done = await browser.get(back);
    expect(done.status).to.equal(302);
    expect(location(done)).to.equal('/page');
  });

  it('shows the provider refusing (the user cancelled) as its own refusal', async () => {
    const browser = new Browser();
    const start = await browser.get(`${gateway}/_mlgate/login/oidc?rd=%2F`);
    const form = await fetch(location(start), { redirect: 'manual' });
    const interaction = new URL(location(form), provider.issuer);
    const cookie = form.headers
      .getSetCookie()
      .map((l) => l.split(';')[0])
      .join('; ');
    const abort = await fetch(`${interaction.href}/abort`, { redirect: 'manual', headers: { cookie } });
    const resume = await fetch(new URL(location(abort), provider.issuer), { redirect: 'manual', headers: { cookie } });
    const answer = await browser.get(location(resume));
    expect(answer.status).to.equal(403);
    const html = await answer.text();
    expect(errorCode(html)).to.equal('MLGATE_LOGIN_DENIED_BY_PROVIDER');
    expect(html).to.include('access_denied');
  });

  it("believes a provider error only with this login's state, and never shows its description", async () => {
    const browser = new Browser();
    const start = await browser.get(`${gateway}/_mlgate/login/oidc?rd=%2F`);
    const state = new URL(location(start)).searchParams.get('state') as string;
    const forged = await browser.get(`${gateway}/callback?error=access_denied&error_description=Call+0800-EVIL`);
    expect(forged.status).to.equal(400);
    expect(errorCode(await forged.text())).to.equal('MLGATE_LOGIN_STATE_INVALID');

    const again = new Browser();
    const next = await again.get(`${gateway}/_mlgate/login/oidc?rd=%2F`);
    const own = new URL(location(next)).searchParams.get('state') as string;
    expect(own).not.to.equal(state);
    const answer = await again.get(
      `${gateway}/callback?error=access_denied&error_description=Call+0800-EVIL&state=${encodeURIComponent(own)}`,
    );
    const html = await answer.text();
    expect(errorCode(html)).to.equal('MLGATE_LOGIN_DENIED_BY_PROVIDER');
    expect(html).to.include('access_denied').and.not.to.include('0800-EVIL');
  });

  it('limits the logins one address may start (each stores a login state)', async () => {
    startLimit = { max: 3, windowMs: 60_000 };
    try {
      serve({ providers: [providerSettings('oidc', provider)] });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push((await new Browser().get(`${gateway}/_mlgate/login/oidc?rd=%2F`)).status);
      }
      expect(statuses).to.deep.equal([302, 302, 302, 429, 429]);
    } finally {
      startLimit = { max: 1000, windowMs: 60_000 };
      serve({ providers: [providerSettings('oidc', provider)] });
    }
  });

  it('refuses return targets on other sites before anything is started', async () => {
    for (const rd of [
      '//evil.example',
      '/\\evil.example',
      'https://evil.example/',
      '/\t/evil.example',
      'javascript:x',
    ]) {
      for (const path of ['/_mlgate/login', '/_mlgate/login/oidc']) {
        const browser = new Browser();
        const answer = await browser.get(`${gateway}${path}?rd=${encodeURIComponent(rd)}`);
        expect(answer.status, `${path} ${rd}`).to.equal(400);
        expect(errorCode(await answer.text())).to.equal('MLGATE_LOGIN_TARGET_INVALID');
        expect(browser.cookies.has(LOGIN_COOKIE)).to.equal(false);
      }
    }
    const twice = await new Browser().get(`${gateway}/_mlgate/login/oidc?rd=%2F&rd=%2Fx`);
    expect(twice.status).to.equal(400);
  });

  it('answers an unknown provider with 404, and an unreachable one with 503', async () => {
    const unknown = await new Browser().get(`${gateway}/_mlgate/login/nope?rd=%2F`);
    expect(unknown.status).to.equal(404);
    expect(errorCode(await unknown.text())).to.equal('MLGATE_LOGIN_PROVIDER_UNKNOWN');
    serve({
      providers: [
        providerSettings('oidc', provider, { discoveryUrl: 'http://127.0.0.1:1/.well-known/openid-configuration' }),
      ],
    });
    const down = await new Browser().get(`${gateway}/_mlgate/login/oidc?rd=%2F`);
    expect(down.status).to.equal(503);
    expect(errorCode(await down.text())).to.equal('MLGATE_LOGIN_PROVIDER_UNAVAILABLE');
  });

  it('offers a picker with several providers; groups from a nested claim; admin lost with the group', async () => {
    serve({
      providers: [
        providerSettings('oidc', provider),
        providerSettings('second', second, { groupsAttribute: 'realm_access.roles', displayName: 'Second IdP' }),
      ],
    });
    const picker = await new Browser().get(`${gateway}/_mlgate/login?rd=%2Fx`);
    const html = await picker.text();
    expect(html).to.include('href="/_mlgate/login/oidc?rd=%2Fx"');
    expect(html).to.include('href="/_mlgate/login/second?rd=%2Fx">Second IdP</a>');
    expect(html).to.not.include('<body data-continue>');

    expect((await login(new Browser(), 'ada')).status).to.equal(302);
    expect((await store.users.get('ada@example.org'))?.providerGroups).to.include('mlflow-admin');
    const again = await login(new Browser(), 'ada', { providerId: 'second', at: second });
    expect(again.status).to.equal(302);
    expect(await store.users.get('ada@example.org')).to.deep.include({ isAdmin: false, providerGroups: ['mlflow'] });
    const latest = (await sessionsOf('ada@example.org')).find((x) => x['provider'] === 'second');
    expect(latest).to.deep.include({ provider: 'second', isAdmin: false });
    expect(latest?.['groups']).to.deep.equal(['mlflow']);
  });

  it('reads the groups from the userinfo answer when told to', async () => {
    const onlyUserinfo = await startOidcProvider({ redirectUris: [`${gateway}/callback`], groupsIn: 'userinfo' });
    try {
      serve({ providers: [providerSettings('oidc', onlyUserinfo)] });
      const without = await login(new Browser(), 'bob', { at: onlyUserinfo });
      expect(errorCode(await without.text())).to.equal('MLGATE_LOGIN_GROUP_REQUIRED');
      serve({ providers: [providerSettings('oidc', onlyUserinfo, { userinfoGroups: true })] });
      expect((await login(new Browser(), 'bob', { at: onlyUserinfo })).status).to.equal(302);
    } finally {
      await onlyUserinfo.stop();
    }
  });

  it('refuses a login when no configured username claim is present', async () => {
    serve({ providers: [providerSettings('oidc', provider, { usernameClaims: ['upn'] })] });
    const answer = await login(new Browser(), 'bob');
    expect(answer.status).to.equal(403);
    const html = await answer.text();
    expect(errorCode(html)).to.equal('MLGATE_LOGIN_USERNAME_MISSING');
    expect(html).to.include('none of the claims upn');
  });

  it('logs out: ends the session, then the provider session with id_token_hint; signed-out page', async () => {
    const browser = new Browser();
    expect((await login(browser, 'bob')).status).to.equal(302);
    const [session] = await sessionsOf('bob@example.org');
    // GET only asks: another site can link to it, so it ends nothing.
    const ask = await browser.get(`${gateway}/_mlgate/logout`);
    expect(ask.status).to.equal(200);
    expect(await ask.text()).to.include('<form method="post" action="/_mlgate/logout">');
    expect(await sessionsOf('bob@example.org')).to.have.length(1);
    // A POST from another site is refused.
    const crossSite = await browser.get(`${gateway}/_mlgate/logout`, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
    });
    expect(crossSite.status).to.equal(403);
    expect(errorCode(await crossSite.text())).to.equal('MLGATE_CROSS_SITE_REFUSED');
    expect(await sessionsOf('bob@example.org')).to.have.length(1);
    const out = await browser.get(`${gateway}/_mlgate/logout`, { method: 'POST', headers: { origin: gateway } });
    expect(out.status).to.equal(302);
    expect(await sessionsOf('bob@example.org')).to.deep.equal([]);
    const endSession = new URL(location(out));
    expect(endSession.origin + endSession.pathname).to.equal(`${provider.issuer}/session/end`);
    expect(endSession.searchParams.get('id_token_hint')).to.equal(session?.['idTokenHint']);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).to.equal(`${gateway}/_mlgate/signed-out`);
    // The provider accepts the request (id_token_hint, registered post-logout URI): its confirmation form.
    const confirm = await fetch(endSession, { redirect: 'manual' });
    expect(confirm.status).to.equal(200);
    expect(await confirm.text()).to.include(`action="${provider.issuer}/session/end/confirm"`);

    const again = await browser.get(`${gateway}/_mlgate/logout`);
    expect(location(again), 'signed out already: nothing to ask').to.equal('/_mlgate/signed-out');
    const page = await browser.get(`${gateway}/_mlgate/signed-out`);
    expect(page.status).to.equal(200);
    expect(await page.text()).to.include('You are signed out');
  });

  it('sends a signed-in browser at /_mlgate/login straight to its target', async () => {
    const browser = new Browser();
    await login(browser, 'bob');
    const answer = await browser.get(`${gateway}/_mlgate/login?rd=%2F%23%2Fexperiments`);
    expect(answer.status).to.equal(302);
    expect(location(answer)).to.equal('/#/experiments');
  });

  it('keeps secrets out of the log: client secret, code, tokens, login cookie', async () => {
    const browser = new Browser();
    const start = await browser.get(`${gateway}/_mlgate/login/oidc?rd=%2F`);
    const cookie = browser.cookies.get(LOGIN_COOKIE) as string;
    const back = await provider.signIn(location(start), { username: 'bob', password: 'bob-password' });
    await browser.get(back);
    const code = new URL(back).searchParams.get('code') as string;
    const [session] = await sessionsOf('bob@example.org');
    const log = logLines.join('\n');
    expect(log).to.include('"msg":"login"');
    for (const secret of [
      provider.clients.web.clientSecret,
      code,
      cookie,
      session?.['idTokenHint'] as string,
      browser.cookies.get('mlgate_session') as string,
    ]) {
      expect(log).to.not.include(secret);
    }
  });
});
