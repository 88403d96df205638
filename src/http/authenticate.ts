/**
 * Who is calling: runs the authenticator chain and records the principal; and the challenge stage, which turns any
 * 401 of the chain behind it into what the client can act on (challenge.ts).
 */
import type { Middleware } from 'koa';

import { authenticate } from '../auth/chain.js';
import { type ChallengeSetup, challengeFor } from '../auth/challenge.js';
import type { AuthRequest, Authenticator } from '../auth/principal.js';
import type { ThrottleGuard } from '../auth/throttle/guard.js';
import { MlgateError, isMlgateError } from '../errors.js';
import type { GatewayState } from './state.js';

export function authenticateStage(deps: {
  readonly authenticators: readonly Authenticator[];
  readonly throttle?: ThrottleGuard | undefined;
}): Middleware<GatewayState> {
  return async (ctx, next) => {
    const request: AuthRequest = {
      headers: ctx.req.headers,
      rawHeaders: ctx.req.rawHeaders,
      peerAddress: ctx.req.socket.remoteAddress ?? '',
      secure: ctx.state.secure,
      session: ctx.state.session,
      now: ctx.state.now,
    };
    ctx.state.principal = await authenticate(deps.authenticators, request, deps.throttle);
    await next();
  };
}

/** Refuses an anonymous caller (the gateway's own API needs a signed-in user; MLflow routes leave it to the policy). */
export function requireAuthenticatedStage(): Middleware<GatewayState> {
  return async (ctx, next) => {
    if (ctx.state.principal?.authenticated !== true) {
      throw new MlgateError('MLGATE_AUTH_REQUIRED');
    }
    await next();
  };
}

export function challengeStage(setup: ChallengeSetup): Middleware<GatewayState> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (thrown) {
      throw isMlgateError(thrown) ? challengeFor(thrown, ctx, setup) : thrown;
    }
  };
}
