/**
 * Cross-site request forgery defence for cookie sessions. A state-changing request (anything but GET, HEAD,
 * OPTIONS) authenticated by a session cookie must come from a page of the gateway itself: its Origin (or, from
 * browsers that send none, Sec-Fetch-Site or the Referer) must be the gateway's own origin or one of
 * session.allowed_origins. Browsers send a remembered Basic credential and a proxy's cookie by themselves too, so
 * those are checked when a browser sent the request (needsOriginCheck); a bearer token is never ambient.
 * SameSite=Lax on the cookie is the first line; this is the second.
 */
import type { IncomingHttpHeaders } from 'node:http';

import type { Middleware } from 'koa';

import { MlgateError } from '../errors.js';
import type { GatewayState } from './state.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface OriginRequest {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly secure: boolean;
}

/** Null when the request may go on, else why it is refused (pure). */
export function crossSiteReason(request: OriginRequest, allowedOrigins: readonly string[]): string | null {
  if (SAFE_METHODS.has(request.method)) {
    return null;
  }
  const host = request.headers.host;
  const own = host === undefined ? [] : [`${request.secure ? 'https' : 'http'}://${host.toLowerCase()}`];
  const allowed = new Set([...own, ...allowedOrigins.map((o) => o.toLowerCase().replace(/\/+$/, ''))]);
  const origin = request.headers.origin;
  if (origin !== undefined) {
    return allowed.has(origin.toLowerCase()) ? null : `Origin ${origin} is not this gateway's`;
  }
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) {
    return site === 'same-origin' || site === 'none' ? null : `Sec-Fetch-Site is ${site}`;
  }
  const referer = request.headers.referer;
  if (referer !== undefined) {
    let refererOrigin: string;
    try {
      refererOrigin = new URL(referer).origin.toLowerCase();
    } catch {
      return 'the Referer is not a URL';
    }
    return allowed.has(refererOrigin) ? null : `Referer ${refererOrigin} is not this gateway's`;
  }
  return 'the request says neither where it comes from (Origin) nor that it is same-origin (Sec-Fetch-Site)';
}

/** The request says where a browser sent it from (Origin, Sec-Fetch-Site or Referer): pure. */
export function carriesBrowserSignal(headers: IncomingHttpHeaders): boolean {
  return headers.origin !== undefined || headers['sec-fetch-site'] !== undefined || headers.referer !== undefined;
}

/**
 * Which requests are checked: those authenticated by the session cookie, always; and, when a browser sent them,
 * those authenticated by a trusted proxy's headers (the proxy's own cookie is ambient authority too) or by HTTP
 * Basic (a browser that answered the Basic prompt sends the credentials again by itself, to any page's form). A
 * client without any browser header, such as the MLflow client, passes.
 */
export function needsOriginCheck(method: string | undefined, headers: IncomingHttpHeaders): boolean {
  return method === 'session' || ((method === 'proxy' || method === 'basic') && carriesBrowserSignal(headers));
}

export function originCheckStage(allowedOrigins: readonly string[]): Middleware<GatewayState> {
  return async (ctx, next) => {
    if (needsOriginCheck(ctx.state.principal?.method, ctx.headers)) {
      const reason = crossSiteReason(
        { method: ctx.method, headers: ctx.headers, secure: ctx.state.secure },
        allowedOrigins,
      );
      if (reason !== null) {
        throw new MlgateError('MLGATE_CROSS_SITE_REFUSED', undefined, { details: { reason } });
      }
    }
    await next();
  };
}
