/** Who is calling: runs the authenticator chain and records the principal. */
import type { Middleware } from 'koa';

import { authenticate } from '../auth/chain.js';
import type { Authenticator } from '../auth/principal.js';
import type { GatewayState } from './state.js';

export function authenticateStage(deps: {
  readonly authenticators: readonly Authenticator[];
  readonly realm: string;
}): Middleware<GatewayState> {
  return async (ctx, next) => {
    ctx.state.principal = await authenticate(
      deps.authenticators,
      { headers: ctx.req.headers, now: ctx.state.now },
      deps.realm,
    );
    await next();
  };
}
