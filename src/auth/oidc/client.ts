/**
 * One OpenID provider as mlgate's login routes use it, through openid-client: discovery (done on first use and
 * kept; retried after a failure), the authorization URL of the code flow with PKCE (S256), state and nonce, the
 * code exchange with every check openid-client makes (state, iss, the ID token's signature, issuer, audience,
 * expiry and nonce), the userinfo answer, and the end-session URL. Failures become mlgate errors; no token,
 * code or secret is put into them.
 */
import * as oidc from 'openid-client';

import { MlgateError } from '../../errors.js';
import type { OidcProviderSettings } from './settings.js';

export interface OidcSignIn {
  readonly idToken: string;
  /** The ID token's claims, checked. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** The userinfo answer, when asked for (its subject checked against the ID token's). */
  readonly userinfo: Readonly<Record<string, unknown>> | null;
}

export interface LoginChecks {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

export interface OidcClient {
  readonly settings: OidcProviderSettings;
  authorizationUrl(redirectUri: string, checks: LoginChecks): Promise<URL>;
  /** `callbackUrl`: the registered redirect URI with the query the provider sent back. */
  finish(callbackUrl: URL, checks: LoginChecks): Promise<OidcSignIn>;
  /** The provider's end-session URL, or null when it has none. */
  endSessionUrl(params: { readonly idTokenHint?: string; readonly postLogoutRedirectUri: string }): Promise<URL | null>;
}

/** Plain http is allowed only for a provider on this host (settings.ts refuses other http URLs). */
function isHttp(url: string): boolean {
  return url.startsWith('http:');
}

/** A failure reaching the provider (network, timeout), as opposed to an answer that does not check out. */
function isUnreachable(error: unknown): boolean {
  if (error instanceof oidc.ClientError || error instanceof oidc.ResponseBodyError) {
    return false;
  }
  if (error instanceof oidc.AuthorizationResponseError || error instanceof oidc.WWWAuthenticateChallengeError) {
    return false;
  }
  const name = (error as Error | undefined)?.name;
  return error instanceof TypeError || name === 'TimeoutError' || name === 'AbortError';
}

/** What may be said about a failure: openid-client's message and code, the provider's error code. */
export function describeFailure(error: unknown): Record<string, unknown> {
  if (error instanceof oidc.ResponseBodyError) {
    return { error: error.error, error_description: error.error_description, status: error.status };
  }
  const e = error as { name?: unknown; message?: unknown; code?: unknown; cause?: { message?: unknown } };
  return {
    name: e.name,
    message: e.message,
    ...(e.code === undefined ? {} : { code: e.code }),
    ...(typeof e.cause?.message === 'string' ? { cause: e.cause.message } : {}),
  };
}

export function createOidcClient(settings: OidcProviderSettings, options: { readonly timeoutMs: number }): OidcClient {
  let discovered: Promise<oidc.Configuration> | null = null;

  function configuration(): Promise<oidc.Configuration> {
    if (discovered === null) {
      const auth = settings.clientSecret === '' ? oidc.None() : oidc.ClientSecretBasic(settings.clientSecret);
      discovered = oidc
        .discovery(new URL(settings.discoveryUrl), settings.clientId, undefined, auth, {
          timeout: Math.ceil(options.timeoutMs / 1000),
          ...(isHttp(settings.discoveryUrl) ? { execute: [oidc.allowInsecureRequests] } : {}),
        })
        .catch((error: unknown) => {
          discovered = null;
          throw new MlgateError('MLGATE_LOGIN_PROVIDER_UNAVAILABLE', undefined, {
            cause: error,
            details: { provider: settings.id },
          });
        });
    }
    return discovered;
  }

  return {
    settings,
    async authorizationUrl(redirectUri, checks) {
      const config = await configuration();
      return oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: settings.scope,
        response_type: 'code',
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
        state: checks.state,
        nonce: checks.nonce,
      });
    },
    async finish(callbackUrl, checks) {
      const config = await configuration();
      try {
        const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (tokens.id_token === undefined || claims === undefined) {
          throw new oidc.ClientError('the provider sent no ID token');
        }
        const userinfo = settings.userinfoGroups
          ? await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)
          : null;
        return { idToken: tokens.id_token, claims, userinfo };
      } catch (error) {
        throw new MlgateError(
          isUnreachable(error) ? 'MLGATE_LOGIN_PROVIDER_UNAVAILABLE' : 'MLGATE_LOGIN_FAILED',
          undefined,
          { cause: error, details: { provider: settings.id } },
        );
      }
    },
    async endSessionUrl(params) {
      const config = await configuration();
      if (config.serverMetadata().end_session_endpoint === undefined) {
        return null;
      }
      return oidc.buildEndSessionUrl(config, {
        post_logout_redirect_uri: params.postLogoutRedirectUri,
        ...(params.idTokenHint === undefined ? {} : { id_token_hint: params.idTokenHint }),
      });
    },
  };
}
