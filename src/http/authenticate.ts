/** Who is calling: runs the authenticator chain and records the principal. */
import type { Middleware } from 'koa';

import { authenticate } from '../auth/chain.js';
import type { Authenticator } from '../auth/principal.js';
import { rawHeaderValues } from './raw-headers.js';
import type { GatewayState } from './state.js';

export function authenticateStage(deps: {
  readonly authenticators: readonly Authenticator[];
  readonly realm: string;
}): Middleware<GatewayState> {
  return async (ctx, next) => {
    // Node keeps only the first of repeated Authorization headers; every one is handed on, so that the
    // authenticators refuse the request (MLGATE_AUTH_MALFORMED) instead of picking one.
    const authorization = rawHeaderValues(ctx.req.rawHeaders, 'authorization');
    const headers = authorization.length > 1 ? { ...ctx.req.headers, authorization } : ctx.req.headers;
    ctx.state.principal = await authenticate(deps.authenticators, { headers, now: ctx.state.now }, deps.realm);
    await next();
  };
}
