/**
 * A real OpenID Provider (`oidc-provider` 9, a certified implementation) on
 * loopback, for the tests and the demo. It holds static accounts with
 * passwords, a confidential web client for mlgate, machine clients allowed
 * `client_credentials`, one resource server whose access tokens are JWTs with
 * an `aud`, RP-initiated logout, and a plain login form of its own (a browser
 * fills it in; `signIn` posts it for tests that have no browser). Its signing
 * key pair is generated here and handed out, so tests can forge tokens with
 * the provider's real key.
 *
 * Nothing here is for production: the accounts, secrets and cookie keys are
 * test data, and the provider keeps its state in memory.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { type JWK, exportJWK, generateKeyPair } from 'jose';
import Provider, {
  type Account,
  type AccountClaims,
  type Configuration,
  type KoaContextWithOIDC,
  errors,
} from 'oidc-provider';
import * as oidc from 'openid-client';

/** A person who can sign in at the provider. */
export interface OidcAccountSpec {
  /** The login name typed into the form; also the `sub` and `preferred_username`. */
  readonly username: string;
  readonly password: string;
  readonly email: string;
  readonly name: string;
  /** A list, or a bare string (some providers send one group that way). */
  readonly groups: readonly string[] | string;
}

export interface MachineClientSpec {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Extra claims put into its access tokens (e.g. a groups claim for provisioning by configuration). */
  readonly claims?: Readonly<Record<string, unknown>>;
}

export interface StartOidcProviderOptions {
  /** Where the provider sends the browser back with a code (mlgate's callback URL(s)). */
  readonly redirectUris: readonly string[];
  /** Where it may send the browser after logging out (mlgate's signed-out page). */
  readonly postLogoutRedirectUris?: readonly string[];
  /** Default: DEFAULT_ACCOUNTS (an admin, a plain user, a user in neither group). */
  readonly accounts?: readonly OidcAccountSpec[];
  /**
   * Where the groups go in the ID token, userinfo and user access tokens: a claim name ("groups",
   * "urn:mlflow:groups": colons are part of the name) or a dotted path of nested objects
   * ("realm_access.roles"). Default "groups".
   */
  readonly groupsClaim?: string;
  /** 'everywhere' (default): ID token, userinfo, access tokens; 'userinfo': only the userinfo answer. */
  readonly groupsIn?: 'everywhere' | 'userinfo';
  /** The resource indicator (and `aud`) of JWT access tokens. Default "urn:mlgate:api". */
  readonly audience?: string;
  readonly webClient?: { readonly clientId: string; readonly clientSecret: string };
  /** Default: one client "mlgate-machine". */
  readonly machineClients?: readonly MachineClientSpec[];
  /** Lifetime of access tokens for the audience, seconds (default 600). */
  readonly accessTokenTtlSeconds?: number;
  /** 0 (default): a free port. */
  readonly port?: number;
}

export interface OidcAccount extends OidcAccountSpec {
  readonly sub: string;
}

export interface IssuedToken {
  readonly accessToken: string;
  readonly tokenType: string;
  readonly expiresIn: number;
}

export interface UserTokens {
  readonly idToken: string;
  readonly accessToken: string;
}

export interface OidcProviderHandle {
  /** e.g. http://127.0.0.1:40123 */
  readonly issuer: string;
  /** issuer + /.well-known/openid-configuration */
  readonly discoveryUrl: string;
  readonly audience: string;
  readonly clients: {
    readonly web: {
      readonly clientId: string;
      readonly clientSecret: string;
      readonly redirectUris: readonly string[];
      readonly postLogoutRedirectUris: readonly string[];
    };
    readonly machine: readonly MachineClientSpec[];
  };
  readonly accounts: readonly OidcAccount[];
  /** The provider's signing key (RS256): forge tokens with `privateJwk`, or check them with `publicJwk`. */
  readonly signingKey: {
    readonly kid: string;
    readonly alg: 'RS256';
    readonly privateJwk: JWK;
    readonly publicJwk: JWK;
  };
  /** A client_credentials access token (a JWT for `audience` unless another resource is named). */
  issueClientCredentialsToken(options?: {
    readonly clientId?: string;
    readonly clientSecret?: string;
    readonly resource?: string;
    readonly scope?: string;
  }): Promise<IssuedToken>;
  /**
   * Follows an authorization request at the provider as a browser would: opens `authorizationUrl`, posts the
   * login form with `username`/`password`, and returns the URL the provider redirects to (the client's
   * redirect URI with `code` and `state`, or with `error`). Rejects when the login form refuses the password.
   */
  signIn(
    authorizationUrl: string,
    credentials: { readonly username: string; readonly password: string },
  ): Promise<string>;
  /** Signs a user in through the web client (code flow with PKCE) and returns their ID token and an access token for `resource` (default: the audience). */
  userTokens(username: string, options?: { readonly resource?: string }): Promise<UserTokens>;
  stop(): Promise<void>;
}

export const DEFAULT_ACCOUNTS: readonly OidcAccountSpec[] = Object.freeze([
  {
    username: 'ada',
    password: 'ada-password',
    email: 'Ada@Example.org',
    name: 'Ada Admin',
    groups: ['mlflow-admin', 'staff'],
  },
  {
    username: 'bob',
    password: 'bob-password',
    email: 'bob@example.org',
    name: 'Bob User',
    groups: ['mlflow', 'team-b'],
  },
  {
    username: 'eve',
    password: 'eve-password',
    email: 'eve@example.org',
    name: 'Eve Outsider',
    groups: ['contractors'],
  },
]);

const RESOURCE_SCOPE = 'api';
/** The redirect URI `userTokens` uses: registered for the web client, never served (the code is read from it). */
const FIXTURE_CALLBACK_PATH = '/fixture-callback';

/** Places `value` at `path` (dotted, nested objects), unless the whole path is a claim name with colons. */
export function placeClaim(path: string, value: unknown): Record<string, unknown> {
  const parts = path.includes(':') ? [path] : path.split('.');
  let result: unknown = value;
  for (const part of parts.reverse()) {
    result = { [part]: result };
  }
  return result as Record<string, unknown>;
}

function topLevelName(path: string): string {
  return path.includes(':') ? path : (path.split('.')[0] ?? path);
}

function stringParam(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;background:#eef1f5;margin:0;padding:48px}
main{max-width:340px;margin:0 auto;background:#fff;padding:24px 28px;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.2em;margin-top:0}label{display:block;margin:12px 0 4px;font-size:.9em}
input{width:100%;box-sizing:border-box;padding:8px;font-size:1em}
button{margin-top:16px;width:100%;padding:10px;font-size:1em;background:#2463eb;color:#fff;border:0;border-radius:4px}
.error{color:#b00020}.note{color:#555;font-size:.85em}a{color:#2463eb}
</style></head><body><main>${body}</main></body></html>`;
}

function loginForm(uid: string, clientId: string, username: string, error: string | null): string {
  return page(
    'Sign in - test identity provider',
    `<h1>Test identity provider</h1>
<p class="note">Sign in to continue to <strong>${escapeHtml(clientId)}</strong>.</p>
${error === null ? '' : `<p class="error" role="alert">${escapeHtml(error)}</p>`}
<form method="post" action="/interaction/${escapeHtml(uid)}" autocomplete="off">
<label for="login">Username</label><input id="login" name="login" required autofocus value="${escapeHtml(username)}">
<label for="password">Password</label><input id="password" name="password" type="password" required>
<button type="submit">Sign in</button>
</form>
<p class="note"><a href="/interaction/${escapeHtml(uid)}/abort">Cancel</a></p>`,
  );
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) {
      throw new Error('form too large');
    }
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startOidcProvider(options: StartOidcProviderOptions): Promise<OidcProviderHandle> {
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const audience = options.audience ?? 'urn:mlgate:api';
  const groupsClaim = options.groupsClaim ?? 'groups';
  const groupsIn = options.groupsIn ?? 'everywhere';
  const accessTokenTtl = options.accessTokenTtlSeconds ?? 600;

  const accounts: OidcAccount[] = (options.accounts ?? DEFAULT_ACCOUNTS).map((a) => ({ ...a, sub: a.username }));
  const byUsername = new Map(accounts.map((a) => [a.username, a]));
  const web = {
    clientId: options.webClient?.clientId ?? 'mlgate',
    clientSecret: options.webClient?.clientSecret ?? randomBytes(24).toString('base64url'),
    redirectUris: [...options.redirectUris],
    postLogoutRedirectUris: [...(options.postLogoutRedirectUris ?? [])],
  };
  const machine: MachineClientSpec[] = [
    ...(options.machineClients ?? [
      { clientId: 'mlgate-machine', clientSecret: randomBytes(24).toString('base64url') },
    ]),
  ];
  const machineById = new Map(machine.map((m) => [m.clientId, m]));

  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `fixture-${randomBytes(6).toString('hex')}`;
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };

  function accountClaims(account: OidcAccount, use: string): AccountClaims {
    const claims: AccountClaims = {
      sub: account.sub,
      email: account.email,
      email_verified: true,
      name: account.name,
      preferred_username: account.username,
    };
    if (groupsIn === 'everywhere' || use === 'userinfo') {
      Object.assign(claims, placeClaim(groupsClaim, account.groups));
    }
    return claims;
  }

  const configuration: Configuration = {
    clients: [
      {
        client_id: web.clientId,
        client_secret: web.clientSecret,
        client_name: 'mlgate',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [...web.redirectUris, `${issuer}${FIXTURE_CALLBACK_PATH}`],
        post_logout_redirect_uris: web.postLogoutRedirectUris,
        token_endpoint_auth_method: 'client_secret_basic',
      },
      ...machine.map((m) => ({
        client_id: m.clientId,
        client_secret: m.clientSecret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic' as const,
      })),
    ],
    jwks: { keys: [privateJwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // ID tokens carry the profile claims (as Keycloak and Entra ID do), not only the userinfo answer.
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub', topLevelName(groupsClaim)],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
    },
    findAccount(_ctx: KoaContextWithOIDC, sub: string): Account | undefined {
      const account = byUsername.get(sub);
      return account === undefined
        ? undefined
        : { accountId: account.sub, claims: (use: string) => accountClaims(account, use) };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource(ctx, form) {
          ctx.body = page(
            'Sign out - test identity provider',
            `<h1>Sign out of the test identity provider?</h1>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>`,
          );
        },
        postLogoutSuccessSource(ctx) {
          ctx.body = page('Signed out', '<h1>You are signed out of the test identity provider.</h1>');
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => oneOf ?? undefined,
        useGrantedResource: () => true,
        getResourceServerInfo(_ctx, resourceIndicator) {
          if (resourceIndicator !== audience) {
            throw new errors.InvalidTarget();
          }
          return {
            scope: RESOURCE_SCOPE,
            audience,
            accessTokenFormat: 'jwt',
            accessTokenTTL: accessTokenTtl,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    extraTokenClaims(_ctx, token) {
      if (token.kind === 'ClientCredentials') {
        return token.clientId === undefined ? undefined : { ...machineById.get(token.clientId)?.claims };
      }
      const account = token.accountId === undefined ? undefined : byUsername.get(token.accountId);
      if (account === undefined) {
        return undefined;
      }
      return {
        email: account.email,
        preferred_username: account.username,
        ...(groupsIn === 'everywhere' ? placeClaim(groupsClaim, account.groups) : {}),
      };
    },
    pkce: { required: () => true },
    ttl: {
      AccessToken: accessTokenTtl,
      ClientCredentials: accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
    },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page(
        'Error - test identity provider',
        `<h1>The test identity provider refused the request</h1><pre>${escapeHtml(JSON.stringify(out, null, 2))}</pre>`,
      );
    },
  };

  const provider = new Provider(issuer, configuration);
  const providerCallback = provider.callback();

  async function interaction(req: http.IncomingMessage, res: http.ServerResponse, uid: string, action: string) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('interaction mismatch');
      return;
    }
    const clientId = stringParam(details.params['client_id']);
    if (action === 'abort') {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The user cancelled the sign-in.' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    if (details.prompt.name === 'consent') {
      // First-party clients: consent is implied; grant what the request asks for.
      const grant =
        details.grantId === undefined
          ? new provider.Grant({ accountId: details.session?.accountId, clientId })
          : await provider.Grant.find(details.grantId);
      if (grant === undefined) {
        throw new Error('grant vanished');
      }
      const missing = details.prompt.details as {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
        missingResourceScopes?: Record<string, string[]>;
      };
      if (missing.missingOIDCScope !== undefined) {
        grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      }
      if (missing.missingOIDCClaims !== undefined) {
        grant.addOIDCClaims(missing.missingOIDCClaims);
      }
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      return;
    }
    if (req.method === 'POST') {
      const form = await readForm(req);
      const username = form.get('login') ?? '';
      const account = byUsername.get(username);
      if (account === undefined || account.password !== (form.get('password') ?? '')) {
        res
          .writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
          .end(loginForm(uid, clientId, username, 'Unknown username or wrong password.'));
        return;
      }
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: account.sub } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      .end(loginForm(uid, clientId, stringParam(details.params['login_hint']), null));
  }

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = new URL(req.url ?? '/', issuer).pathname;
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(\/abort)?$/.exec(path);
    if (match === null) {
      void providerCallback(req, res);
      return;
    }
    interaction(req, res, match[1] ?? '', match[2] === undefined ? 'login' : 'abort').catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(400, { 'content-type': 'text/plain' });
      }
      res.end(`interaction failed: ${(error as Error).message}`);
    });
  });

  async function issueClientCredentialsToken(
    request: { clientId?: string; clientSecret?: string; resource?: string; scope?: string } = {},
  ): Promise<IssuedToken> {
    const first = machine[0];
    const clientId = request.clientId ?? first?.clientId ?? '';
    const clientSecret = request.clientSecret ?? machineById.get(clientId)?.clientSecret ?? '';
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      resource: request.resource ?? audience,
      scope: request.scope ?? RESOURCE_SCOPE,
    });
    const answer = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization:
          'Basic ' +
          Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body,
    });
    const json = (await answer.json()) as Record<string, unknown>;
    if (!answer.ok) {
      throw new Error(`client_credentials refused: ${answer.status} ${JSON.stringify(json)}`);
    }
    return {
      accessToken: String(json['access_token']),
      tokenType: String(json['token_type']),
      expiresIn: Number(json['expires_in']),
    };
  }

  async function signIn(
    authorizationUrl: string,
    credentials: { username: string; password: string },
  ): Promise<string> {
    // A cookie jar for the provider's origin only (its interaction and session cookies).
    const jar = new Map<string, string>();
    const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const remember = (answer: Response) => {
      for (const line of answer.headers.getSetCookie()) {
        const [pair = ''] = line.split(';');
        const eq = pair.indexOf('=');
        const name = pair.slice(0, eq).trim();
        const value = pair.slice(eq + 1).trim();
        if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') {
          jar.delete(name);
        } else {
          jar.set(name, value);
        }
      }
    };
    let url = authorizationUrl;
    let method: 'GET' | 'POST' = 'GET';
    let body: URLSearchParams | undefined;
    for (let hops = 0; hops < 20; hops++) {
      const at = new URL(url);
      if (at.origin !== issuer || at.pathname === FIXTURE_CALLBACK_PATH) {
        return url;
      }
      const answer = await fetch(url, {
        method,
        redirect: 'manual',
        headers: {
          cookie: cookieHeader(),
          ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        },
        ...(body === undefined ? {} : { body }),
      });
      remember(answer);
      const location = answer.headers.get('location');
      if (location !== null && answer.status >= 300 && answer.status < 400) {
        url = new URL(location, url).toString();
        method = 'GET';
        body = undefined;
        continue;
      }
      const interactionPath = /^\/interaction\/[A-Za-z0-9_-]+$/.exec(new URL(url).pathname);
      if (answer.status === 200 && interactionPath !== null && method === 'GET') {
        await answer.text();
        method = 'POST';
        body = new URLSearchParams({ login: credentials.username, password: credentials.password });
        continue;
      }
      const text = await answer.text();
      const alert = /role="alert">([^<]*)</.exec(text)?.[1];
      throw new Error(`sign-in at the provider stopped at ${url}: ${answer.status} ${alert ?? text.slice(0, 300)}`);
    }
    throw new Error('sign-in at the provider: too many redirects');
  }

  async function userTokens(username: string, request: { resource?: string } = {}): Promise<UserTokens> {
    const account = byUsername.get(username);
    if (account === undefined) {
      throw new Error(`no account ${username}`);
    }
    const config = await oidc.discovery(new URL(issuer), web.clientId, web.clientSecret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const redirectUri = `${issuer}${FIXTURE_CALLBACK_PATH}`;
    const authorizationUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: `openid email profile ${RESOURCE_SCOPE}`,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      resource: request.resource ?? audience,
    });
    const back = await signIn(authorizationUrl.toString(), account);
    const tokens = await oidc.authorizationCodeGrant(
      config,
      new URL(back),
      { pkceCodeVerifier: verifier, expectedState: state },
      { resource: request.resource ?? audience },
    );
    if (tokens.id_token === undefined) {
      throw new Error('no ID token');
    }
    return { idToken: tokens.id_token, accessToken: tokens.access_token };
  }

  return {
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    audience,
    clients: { web, machine },
    accounts,
    signingKey: { kid, alg: 'RS256', privateJwk, publicJwk },
    issueClientCredentialsToken,
    signIn,
    userTokens,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
