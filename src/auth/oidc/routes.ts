/**
 * The browser login routes (the login branch of chains.ts: the session is loaded, nobody is authenticated):
 *
 * - GET /_mlgate/login?rd=<path>          the login page: a picker, or straight on to the only provider;
 * - GET /_mlgate/login/<provider>?rd=...  starts the code flow: a login state (PKCE verifier, state, nonce,
 *                                         provider, return target) is stored in MongoDB, single use and
 *                                         short-lived; the browser holds only its random id in an HttpOnly cookie,
 *                                         so any replica can finish the login;
 * - GET <oidc.redirect_uri path>           the callback: takes the state, exchanges the code, reads the user and
 *                                         groups, applies the group gate, records the login, establishes the session
 *                                         and sends the browser to the page it first asked for;
 * - GET|POST /_mlgate/logout              ends the session, then the provider's session (end_session_endpoint with
 *                                         id_token_hint) when it has one, else shows the signed-out page;
 * - GET /_mlgate/signed-out               the signed-out page (the post-logout redirect URI).
 *
 * Failures are HTML pages with a stable code. Secrets, codes and tokens are never logged.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

import type { Context } from 'koa';
import Router from 'koa-router';
import * as oidc from 'openid-client';

import { MlgateError, isMlgateError } from '../../errors.js';
import { crossSiteReason } from '../../http/origin-check.js';
import type { GatewayState } from '../../http/state.js';
import type { LoginStateRepository, UserRepository } from '../../store/types.js';
import { effectiveGroups } from '../effective-groups.js';
import type { SessionManager } from '../session/types.js';
import { decideLoginAccess } from './access.js';
import { type OidcClient, describeFailure } from './client.js';
import { providerIdentity } from './identity.js';
import { type ErrorPageExtras, type HtmlPage, errorPage, loginPage, logoutPage, signedOutPage } from './pages.js';
import { checkReturnTarget } from './return-target.js';
import type { OidcSettings } from './settings.js';
import type { StartLimiter } from './start-limit.js';

export const LOGIN_PATH = '/_mlgate/login';
export const LOGOUT_PATH = '/_mlgate/logout';
export const SIGNED_OUT_PATH = '/_mlgate/signed-out';
/** The cookie that names a login in progress (its random id; the state itself stays in MongoDB). */
export const LOGIN_COOKIE = 'mlgate_login';

export interface LoginRoutesDeps {
  readonly settings: OidcSettings;
  /** One per provider of the settings, by id. */
  readonly clients: ReadonlyMap<string, OidcClient>;
  readonly users: UserRepository;
  readonly loginStates: LoginStateRepository;
  readonly sessions: SessionManager;
  /** session.allowed_origins: other origins whose pages may post the sign-out. */
  readonly allowedOrigins: readonly string[];
  /** Login starts per client address (each stores a login state for oidc.login_timeout_ms). */
  readonly startLimiter: StartLimiter;
  /** The client's address, as throttling reads it (X-Forwarded-For from a trusted proxy). */
  readonly clientAddress: (request: { readonly peerAddress: string; readonly headers: IncomingHttpHeaders }) => string;
}

type Ctx = Context & { state: GatewayState };

function send(ctx: Ctx, html: HtmlPage): void {
  ctx.status = html.status;
  ctx.set(html.headers);
  ctx.body = html.body;
}

function refuse(ctx: Ctx, error: MlgateError, extras: ErrorPageExtras = {}): void {
  send(ctx, errorPage(error, ctx.state.requestId, extras));
}

/** The login state's key in MongoDB: a hash of the cookie's id, so a copy of the database cannot finish a login. */
function stateKey(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

function origin(ctx: Ctx): string {
  return `${ctx.state.secure ? 'https' : 'http'}://${ctx.host}`;
}

/** The absolute redirect URI: oidc.redirect_uri, or that path on the address the browser used. */
function redirectUriFor(ctx: Ctx, settings: OidcSettings): string {
  return settings.redirectUri.startsWith('/') ? `${origin(ctx)}${settings.redirectUri}` : settings.redirectUri;
}

/** Where the provider sends the browser after logging out: the signed-out page, on the callback's origin. */
function postLogoutUriFor(ctx: Ctx, settings: OidcSettings): string {
  return `${new URL(redirectUriFor(ctx, settings)).origin}${SIGNED_OUT_PATH}`;
}

function setLoginCookie(ctx: Ctx, value: string | null, maxAgeMs: number): void {
  // The cookie library refuses Secure cookies unless it knows the connection is secure (a trusted proxy's TLS too).
  (ctx.cookies as unknown as { secure: boolean }).secure = ctx.state.secure;
  ctx.cookies.set(LOGIN_COOKIE, value, {
    httpOnly: true,
    // Lax: the provider's redirect back is a top-level GET navigation from another site, which Lax lets through.
    sameSite: 'lax',
    secure: ctx.state.secure,
    path: '/',
    overwrite: true,
    signed: false,
    ...(value === null ? {} : { maxAge: maxAgeMs }),
  });
}

function queryValue(ctx: Ctx, name: string): string | undefined {
  const value = ctx.query[name];
  return Array.isArray(value) ? undefined : value;
}

/** The checked return target of ?rd=, or a refusal page (rd given twice counts as invalid). */
function returnTargetOf(ctx: Ctx): string | null {
  const raw = ctx.query['rd'];
  const checked = Array.isArray(raw)
    ? { ok: false as const, reason: 'rd is given more than once' }
    : checkReturnTarget(raw);
  if (!checked.ok) {
    ctx.state.logger.info('login refused: return target', { reason: checked.reason });
    refuse(ctx, new MlgateError('MLGATE_LOGIN_TARGET_INVALID'), {
      reason: `the return target is refused: ${checked.reason}`,
      retryHref: LOGIN_PATH,
    });
    return null;
  }
  return checked.target;
}

export function createLoginRoutes(deps: LoginRoutesDeps): Router<GatewayState> {
  const { settings } = deps;
  const router = new Router<GatewayState>();
  const choices = settings.providers.map((p) => ({ id: p.id, displayName: p.displayName }));

  router.get(LOGIN_PATH, (ctx) => {
    const target = returnTargetOf(ctx);
    if (target === null) {
      return;
    }
    if (ctx.state.session !== null) {
      // Already signed in: straight back (a fresh login starts at /_mlgate/login/<provider>).
      ctx.redirect(target);
      return;
    }
    send(ctx, loginPage(LOGIN_PATH, choices, target));
  });

  router.get(`${LOGIN_PATH}/:provider`, async (ctx) => {
    const id = decodeURIComponent(ctx.path.slice(LOGIN_PATH.length + 1));
    const client = deps.clients.get(id);
    if (client === undefined) {
      refuse(ctx, new MlgateError('MLGATE_LOGIN_PROVIDER_UNKNOWN'));
      return;
    }
    const target = returnTargetOf(ctx);
    if (target === null) {
      return;
    }
    const address = deps.clientAddress({ peerAddress: ctx.req.socket.remoteAddress ?? '', headers: ctx.headers });
    const retryAfter = deps.startLimiter.take(address, ctx.state.now);
    if (retryAfter !== null) {
      // Each start stores a login state: an address may not start logins without end.
      ctx.state.logger.warn('login refused: too many login starts from one address', { address });
      ctx.set('Retry-After', String(retryAfter));
      refuse(ctx, new MlgateError('MLGATE_AUTH_THROTTLED'));
      return;
    }
    const cookieId = randomBytes(32).toString('base64url');
    const checks = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
    const redirectUri = redirectUriFor(ctx, settings);
    let url: URL;
    try {
      url = await client.authorizationUrl(redirectUri, checks);
    } catch (error) {
      failed(ctx, error, id);
      return;
    }
    const now = ctx.state.now;
    await deps.loginStates.put({
      id: stateKey(cookieId),
      provider: id,
      ...checks,
      redirectUri,
      returnTo: target,
      createdAt: now,
      expiresAt: new Date(now.getTime() + settings.loginTimeoutMs),
    });
    setLoginCookie(ctx, cookieId, settings.loginTimeoutMs);
    ctx.state.logger.info('login started', { provider: id });
    ctx.redirect(url.href);
  });

  router.get(settings.callbackPath, async (ctx) => {
    const cookieId = ctx.cookies.get(LOGIN_COOKIE);
    setLoginCookie(ctx, null, 0);
    const record = cookieId === undefined ? null : await deps.loginStates.take(stateKey(cookieId), ctx.state.now);
    if (record === null) {
      ctx.state.logger.info('login refused: no valid login state', { cookie: cookieId !== undefined });
      refuse(ctx, new MlgateError('MLGATE_LOGIN_STATE_INVALID'), { retryHref: LOGIN_PATH });
      return;
    }
    const retryHref = `${LOGIN_PATH}?rd=${encodeURIComponent(record.returnTo)}`;
    const client = deps.clients.get(record.provider);
    if (client === undefined) {
      refuse(ctx, new MlgateError('MLGATE_LOGIN_PROVIDER_UNKNOWN'), { retryHref });
      return;
    }
    const providerError = queryValue(ctx, 'error');
    if (providerError !== undefined) {
      // Only an answer to this browser's own login (its state) is believed, and only the error code is shown:
      // anyone can send a browser to the callback with an error and a description of their choosing.
      if (queryValue(ctx, 'state') !== record.state) {
        ctx.state.logger.info("login refused: a provider error without this login's state");
        refuse(ctx, new MlgateError('MLGATE_LOGIN_STATE_INVALID'), { retryHref });
        return;
      }
      const code = /^[A-Za-z0-9_.-]{1,64}$/.test(providerError) ? providerError : 'an error';
      ctx.state.logger.info('login refused by the provider', {
        provider: record.provider,
        error: code,
        description: queryValue(ctx, 'error_description')?.slice(0, 200),
      });
      refuse(ctx, new MlgateError('MLGATE_LOGIN_DENIED_BY_PROVIDER'), {
        reason: `the provider answered ${code}`,
        retryHref,
      });
      return;
    }

    const callbackUrl = new URL(record.redirectUri);
    callbackUrl.search = ctx.querystring;
    let signIn;
    try {
      signIn = await client.finish(callbackUrl, record);
    } catch (error) {
      failed(ctx, error, record.provider, retryHref);
      return;
    }

    const identity = providerIdentity(signIn, client.settings);
    if (!identity.ok) {
      ctx.state.logger.warn('login refused: no usable username', {
        provider: record.provider,
        reason: identity.reason,
      });
      refuse(ctx, new MlgateError('MLGATE_LOGIN_USERNAME_MISSING'), { reason: identity.reason });
      return;
    }
    if (identity.ignoredGroups.length > 0) {
      ctx.state.logger.warn('provider groups left out (not valid group names)', {
        provider: record.provider,
        username: identity.username,
        ignored: identity.ignoredGroups,
      });
    }
    const stored = await deps.users.get(identity.username);
    const groups = effectiveGroups({ groups: stored?.groups ?? [], providerGroups: identity.providerGroups });
    const access = decideLoginAccess({
      groups,
      storeAdmin: stored?.isAdmin ?? false,
      adminGroups: settings.adminGroups,
      allowedGroups: settings.allowedGroups,
    });
    if (!access.allowed) {
      ctx.state.logger.info('login refused: not in an allowed group', {
        provider: record.provider,
        username: identity.username,
        groups: identity.providerGroups,
      });
      refuse(ctx, new MlgateError('MLGATE_LOGIN_GROUP_REQUIRED'), {
        username: identity.username,
        requiredGroups: access.requiredGroups,
        yourGroups: groups,
      });
      return;
    }

    await deps.users.recordProviderLogin(identity.username, identity.providerGroups);
    await deps.sessions.establish(ctx, {
      username: identity.username,
      provider: record.provider,
      groups: identity.providerGroups,
      isAdmin: identity.providerGroups.some((g) => settings.adminGroups.includes(g)),
      idTokenHint: signIn.idToken,
    });
    ctx.state.logger.info('login', {
      provider: record.provider,
      username: identity.username,
      groups: identity.providerGroups,
      admin: access.isAdmin,
      created: stored === null,
    });
    ctx.redirect(record.returnTo);
  });

  const logout = async (ctx: Ctx): Promise<void> => {
    const ended = await deps.sessions.end(ctx);
    const client = ended === null ? undefined : deps.clients.get(ended.provider);
    if (ended !== null) {
      ctx.state.logger.info('logout', { username: ended.username, provider: ended.provider });
    }
    if (client !== undefined && ended !== null) {
      try {
        const url = await client.endSessionUrl({
          postLogoutRedirectUri: postLogoutUriFor(ctx, settings),
          ...(ended.idTokenHint === undefined ? {} : { idTokenHint: ended.idTokenHint }),
        });
        if (url !== null) {
          ctx.redirect(url.href);
          return;
        }
      } catch (error) {
        // The mlgate session is over either way; the provider's may outlive it.
        ctx.state.logger.warn('logout: the provider could not be reached to end its session', {
          provider: ended.provider,
          failure: describeFailure(isMlgateError(error) ? error.cause : error),
        });
      }
    }
    ctx.redirect(SIGNED_OUT_PATH);
  };
  // Signing out is a POST from the gateway's own page: another site can neither link nor post it.
  router.get(LOGOUT_PATH, (ctx) => {
    if (ctx.state.session === null) {
      ctx.redirect(SIGNED_OUT_PATH);
      return;
    }
    send(ctx, logoutPage(LOGOUT_PATH));
  });
  router.post(LOGOUT_PATH, async (ctx) => {
    const reason = crossSiteReason(
      { method: 'POST', headers: ctx.headers, secure: ctx.state.secure },
      deps.allowedOrigins,
    );
    if (reason !== null) {
      ctx.state.logger.info('logout refused: cross-site', { reason });
      refuse(ctx, new MlgateError('MLGATE_CROSS_SITE_REFUSED'), { reason, retryHref: LOGOUT_PATH });
      return;
    }
    await logout(ctx);
  });

  router.get(SIGNED_OUT_PATH, (ctx) => {
    send(ctx, signedOutPage(LOGIN_PATH));
  });

  return router;
}

/** A failure reaching or checking the provider: logged (without secrets), shown as a page. */
function failed(ctx: Ctx, error: unknown, provider: string, retryHref?: string): void {
  if (!isMlgateError(error)) {
    throw error;
  }
  ctx.state.logger.warn('login failed', { provider, code: error.code, failure: describeFailure(error.cause) });
  refuse(ctx, error, retryHref === undefined ? {} : { retryHref });
}
