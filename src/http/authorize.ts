/** Is it allowed: one policy decision per request; a denial ends the request here. */
import type { Middleware, ParameterizedContext } from 'koa';

import { ANONYMOUS } from '../auth/principal.js';
import { MlgateError } from '../errors.js';
import type { DecisionEngine, PolicySnapshot } from '../policy/engine.js';
import type { LiveData } from '../policy/live-data.js';
import { type RequestParams, readString } from '../mlflow/params.js';
import { DROPPING_HANDLINGS, type RouteSpec } from '../mlflow/route-spec.js';
import type { Decision } from '../policy/decision.js';
import { resourceKind } from '../mlflow/resources/index.js';
import { buildPolicyInput } from '../policy/input.js';
import { graphqlRefusal } from '../mlflow/graphql/refusal.js';
import { authorizeGraphqlParts } from './authorize-graphql.js';
import { READS_POLICY_AGAIN } from './handlers/policy-reads.js';
import { denialError } from './denial.js';
import type { GatewayState } from './state.js';

export function authorizeStage(deps: {
  readonly engine: DecisionEngine;
  readonly liveData?: Pick<LiveData, 'assertFresh'>;
}): Middleware<GatewayState> {
  return async (ctx, next) => {
    // Permission data too old to decide from (MongoDB unreachable past permissions.max_stale_ms): fail closed.
    deps.liveData?.assertFresh();
    // One policy for the whole request: every later decision (GraphQL parts, a filtered search) reads this one. It
    // is released when the request ends: its policy instance may then be loaded again with newer data (instances.ts).
    const policy = deps.engine.snapshot();
    ctx.state.policy = policy;
    try {
      if (!decideRequest(policy, ctx)) return;
      if (!READS_POLICY_AGAIN[ctx.state.route?.handling ?? 'stream']) {
        // Proxied without deciding again (an artifact download, a large answer read slowly): let the instance go now.
        ctx.state.policy = undefined;
        policy.release();
      }
      await next();
    } finally {
      policy.release();
    }
  };
}

/** Decides the request with `policy`: throws its denial, answers a GraphQL refusal (false), or lets it on (true). */
function decideRequest(policy: PolicySnapshot, ctx: ParameterizedContext<GatewayState>): boolean {
  const state = ctx.state;
  const targets = state.targets ?? [];
  const decision = policy.decide(
    buildPolicyInput({
      principal: state.principal ?? ANONYMOUS,
      operation: state.route?.operation ?? null,
      targets,
      grants: state.grants ?? new Map(),
      method: ctx.method,
      path: state.path,
      attributes: requestAttributes(state.route, state.params),
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
      ...unnamedHint(state.route),
    });
  }
  const unfit = unfitObligation(decision, state.route);
  if (unfit !== undefined) {
    throw unfit;
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
      return false;
    }
    state.redactions = verdict.redactions;
    if (verdict.rewrite !== undefined && state.params?.source === 'body') {
      // A search narrowed to the readable experiments: MLflow runs the rewritten document.
      state.graphql = verdict.rewrite.analysis;
      state.body = Buffer.from(JSON.stringify({ ...state.params.body, query: verdict.rewrite.query }));
    }
  }
  return true;
}

/**
 * An allowed decision whose obligation this route cannot carry out (leaving out unreadable targets on a route that
 * cannot) would send the request on whole: the error it is refused with instead, or undefined.
 */
export function unfitObligation(decision: Decision, route: RouteSpec | undefined): MlgateError | undefined {
  if (
    decision.obligations.some((o) => o.type === 'drop-unreadable-targets') &&
    decision.checks.some((check) => !check.satisfied) &&
    (route === undefined || !DROPPING_HANDLINGS.has(route.handling))
  ) {
    return new MlgateError(
      'MLGATE_POLICY_ERROR',
      `The policy asks to leave unreadable targets out of ${route?.operation ?? 'this request'}, which this ` +
        'route cannot do; an operator must fix the policy (drops_unreadable) or the route catalogue.',
    );
  }
  return undefined;
}

/** The hint of the first resource kind of the route that has one (an artifact path that names nothing). */
export function unnamedHint(route: Pick<RouteSpec, 'targets'> | undefined): { unnamedHint?: string } {
  for (const target of route?.targets ?? []) {
    const hint = resourceKind(target.resource).unnamedHint;
    if (hint !== undefined) {
      return { unnamedHint: hint };
    }
  }
  return {};
}

/** The request fields the route hands to the policy (input.attributes); an absent field is left out. */
export function requestAttributes(
  route: Pick<RouteSpec, 'attributes' | 'derivedAttributes'> | undefined,
  params: RequestParams | undefined,
): Record<string, string> {
  const attributes: Record<string, string> = {};
  if (route?.attributes !== undefined && params !== undefined) {
    for (const name of route.attributes) {
      const value = readString(params, name);
      if (value !== undefined) {
        attributes[name] = value;
      }
    }
  }
  if (route?.derivedAttributes !== undefined && params !== undefined) {
    for (const [name, read] of Object.entries(route.derivedAttributes)) {
      const value = read(params);
      if (value !== undefined) {
        attributes[name] = value;
      }
    }
  }
  return attributes;
}
