/**
 * What an unauthenticated request gets (pure): the one place that decides between a 401 carrying the challenge of
 * every configured kind of credential and a 302 to the login page. A browser navigation without credentials is
 * sent to log in when browser login is configured; an API client (a fetch, the MLflow client, curl) never is.
 */
import type { IncomingHttpHeaders } from 'node:http';

import { MlgateError } from '../errors.js';

export interface ChallengeSetup {
  /** WWW-Authenticate values, one per configured kind of credential that offers one, in chain order. */
  readonly challenges: readonly string[];
  /** Where a browser logs in (e.g. /_mlgate/login); null when browser login is not configured. */
  readonly loginPath: string | null;
}

export interface ChallengedRequest {
  readonly method: string;
  /** The path and query string as the client sent them: where the browser returns after logging in. */
  readonly originalUrl: string;
  readonly headers: IncomingHttpHeaders;
}

/** A top-level browser navigation (not a fetch or XHR, not a client that sent credentials). */
export function isBrowserNavigation(request: ChallengedRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return false;
  }
  if (request.headers.authorization !== undefined) {
    return false;
  }
  const mode = request.headers['sec-fetch-mode'];
  if (mode !== undefined) {
    return mode === 'navigate';
  }
  // Browsers without Fetch Metadata: a navigation asks for HTML first.
  return /^\s*text\/html\b/i.test(request.headers.accept ?? '');
}

/** The login page's address that returns to `originalUrl` afterwards. */
export function loginRedirect(loginPath: string, originalUrl: string): string {
  return `${loginPath}?rd=${encodeURIComponent(originalUrl)}`;
}

/** The error a 401 becomes: a redirect to log in for a browser navigation, else the 401 with every challenge. */
export function challengeFor(error: MlgateError, request: ChallengedRequest, setup: ChallengeSetup): MlgateError {
  if (error.status !== 401) {
    return error;
  }
  if (error.code === 'MLGATE_AUTH_REQUIRED' && setup.loginPath !== null && isBrowserNavigation(request)) {
    const location = loginRedirect(setup.loginPath, request.originalUrl);
    return new MlgateError('MLGATE_LOGIN_REQUIRED', undefined, {
      headers: { Location: location },
      details: { ...error.details, login: location },
    });
  }
  if (setup.challenges.length === 0) {
    return error;
  }
  return new MlgateError(error.code, error.message, {
    cause: error.cause,
    details: error.details,
    headers: { ...error.headers, 'WWW-Authenticate': setup.challenges },
  });
}
