/** Is it allowed: one policy decision per request; a denial ends the request here. */
import type { Middleware } from 'koa';

import { ANONYMOUS } from '../auth/principal.js';
import { MlgateError } from '../errors.js';
import type { DecisionEngine } from '../policy/engine.js';
import type { LiveData } from '../policy/live-data.js';
import { readString } from '../mlflow/params.js';
import { resourceKind } from '../mlflow/resources/index.js';
import { buildPolicyInput } from '../policy/input.js';
import { graphqlRefusal } from '../mlflow/graphql/refusal.js';
import { authorizeGraphqlParts } from './authorize-graphql.js';
import { denialError } from './denial.js';
import type { GatewayState } from './state.js';

export function authorizeStage(deps: {
  readonly engine: DecisionEngine;
  readonly liveData?: Pick<LiveData, 'assertFresh'>;
}): Middleware<GatewayState> {
  return async (ctx, next) => {
    const state = ctx.state;
    // Permission data too old to decide from (MongoDB unreachable past permissions.max_stale_ms): fail closed.
    deps.liveData?.assertFresh();
    const targets = state.targets ?? [];
    // One policy for the whole request: every later decision (GraphQL parts, a filtered search) reads this one.
    const policy = deps.engine.snapshot();
    state.policy = policy;
    const decision = policy.decide(
      buildPolicyInput({
        principal: state.principal ?? ANONYMOUS,
        operation: state.route?.operation ?? null,
        targets,
        grants: state.grants ?? new Map(),
        method: ctx.method,
        path: state.path,
        attributes: readAttributes(state),
        now: state.now,
      }),
    );
    state.decision = decision;
    if (!decision.allow) {
      throw denialError(decision, {
        operation: state.route?.operation ?? null,
        method: ctx.method,
        path: state.path,
        targets,
        ...unnamedHint(state),
      });
    }
    if (
      decision.obligations.some((o) => o.type === 'drop-unreadable-targets') &&
      decision.checks.some((check) => !check.satisfied) &&
      state.route?.handling !== 'drop-unreadable-targets'
    ) {
      // An obligation this route cannot carry out would send the request on whole: refused instead.
      throw new MlgateError(
        'MLGATE_POLICY_ERROR',
        `The policy asks to leave unreadable targets out of ${state.route?.operation ?? 'this request'}, which this ` +
          'route cannot do; an operator must fix the policy (drops_unreadable) or the route catalogue.',
      );
    }
    if (state.graphql !== undefined) {
      const verdict = authorizeGraphqlParts(policy, state, ctx);
      if (verdict.refusal !== undefined) {
        // Answered in GraphQL, as MLflow answers a failed field (the web UI reads it there), with the code in a header.
        const refusal = verdict.refusal;
        state.logger.debug('request refused', { code: refusal.code, message: refusal.message });
        ctx.status = 200;
        ctx.set('cache-control', 'no-store');
        ctx.set('x-mlgate-error-code', refusal.code);
        ctx.body = graphqlRefusal(state.graphql, refusal, state.requestId);
        return;
      }
      state.redactions = verdict.redactions;
    }
    await next();
  };
}

/** The hint of the first resource kind of the route that has one (an artifact path that names nothing). */
function unnamedHint(state: GatewayState): { unnamedHint?: string } {
  for (const target of state.route?.targets ?? []) {
    const hint = resourceKind(target.resource).unnamedHint;
    if (hint !== undefined) {
      return { unnamedHint: hint };
    }
  }
  return {};
}

/** The request fields the route hands to the policy; an absent field is left out. */
function readAttributes(state: GatewayState): Record<string, string> {
  const attributes: Record<string, string> = {};
  const { route, params } = state;
  if (route?.attributes !== undefined && params !== undefined) {
    for (const name of route.attributes) {
      const value = readString(params, name);
      if (value !== undefined) {
        attributes[name] = value;
      }
    }
  }
  return attributes;
}
