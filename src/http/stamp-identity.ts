/**
 * After the decision, before the request goes to MLflow: identity fields (a run's author) are set to the
 * authenticated caller. The rewritten body replaces the one that was read; everything else is replayed as sent.
 */
import type { Middleware } from 'koa';

import { stampIdentity } from '../mlflow/identity-fields.js';
import type { GatewayState } from './state.js';

export function stampIdentityStage(): Middleware<GatewayState> {
  return async (ctx, next) => {
    const { route, params, principal } = ctx.state;
    if (route?.identity !== undefined && params?.source === 'body' && principal?.username != null) {
      const stamped = stampIdentity(route.identity, params.body, principal.username);
      if (stamped !== undefined) {
        ctx.state.body = Buffer.from(JSON.stringify(stamped));
        ctx.req.headers['content-type'] = 'application/json';
      }
    }
    await next();
  };
}
