/**
 * The decisions of a GraphQL request: one per part of its document (mlflow/graphql/analyse.ts), each with the
 * operation the part runs and the resources it names. A refused root field refuses the whole request (the refusal
 * is returned, to be answered in GraphQL: mlflow/graphql/refusal.ts); a refused nested field is emptied in the
 * answer instead (returned as a redaction for the graphql forward handler).
 */
import { ANONYMOUS } from '../auth/principal.js';
import { MlgateError } from '../errors.js';
import type { GraphqlPart } from '../mlflow/graphql/analyse.js';
import type { PolicySnapshot } from '../policy/engine.js';
import { type ResolvedTarget, buildPolicyInput } from '../policy/input.js';
import { denialError } from './denial.js';
import type { GatewayState } from './state.js';

export type Redaction = NonNullable<GatewayState['redactions']>[number];

export type GraphqlVerdict =
  | { readonly refusal: MlgateError; readonly redactions?: never }
  | { readonly redactions: Redaction[]; readonly refusal?: never };

export function authorizeGraphqlParts(
  policy: PolicySnapshot,
  state: GatewayState,
  request: { readonly method: string },
): GraphqlVerdict {
  const parts = state.graphql?.parts ?? [];
  const targets = state.targets ?? [];
  const redactions: Redaction[] = [];
  for (const part of missingFirst(parts, targets)) {
    const partTargets = targetsOf(part, targets);
    const decision = policy.decide(
      buildPolicyInput({
        principal: state.principal ?? ANONYMOUS,
        operation: part.operation,
        targets: partTargets,
        grants: state.grants ?? new Map(),
        method: request.method,
        path: state.path,
        now: state.now,
      }),
    );
    if (
      decision.allow &&
      decision.obligations.some((o) => o.type === 'drop-unreadable-targets') &&
      decision.checks.some((check) => !check.satisfied)
    ) {
      // The policy would leave unreadable experiments out of this search, which a GraphQL document cannot be
      // narrowed to: refused, never sent on whole.
      const unreadable = decision.checks.filter((check) => !check.satisfied).map((check) => `experiment ${check.id}`);
      return {
        refusal: new MlgateError(
          'MLGATE_PERMISSION_DENIED',
          `GraphQL ${part.label} names ${unreadable.join(', ')}, which you may not read; name only experiments ` +
            'you can read.',
          { details: { reasons: ['no-permission'], operation: part.operation, graphql_field: part.label } },
        ),
      };
    }
    if (decision.allow) {
      continue;
    }
    if (part.redact !== undefined) {
      redactions.push(part.redact);
      continue;
    }
    if (decision.reasons.includes('route-unknown')) {
      return {
        refusal: new MlgateError(
          'MLGATE_ROUTE_UNKNOWN',
          `GraphQL ${part.label} is not one the gateway knows how to authorize, so only administrators may query it.`,
          { details: { reasons: decision.reasons, operation: null, graphql_field: part.label } },
        ),
      };
    }
    const error = denialError(decision, {
      operation: part.operation,
      method: request.method,
      path: state.path,
      targets: partTargets,
    });
    return {
      refusal: new MlgateError(error.code, `GraphQL ${part.label}: ${error.message}`, {
        details: { ...error.details, graphql_field: part.label },
        headers: error.headers,
      }),
    };
  }
  return { redactions };
}

/** The resolved targets of the resources a part names. */
function targetsOf(part: GraphqlPart, targets: readonly ResolvedTarget[]): ResolvedTarget[] {
  return targets.filter((target) =>
    part.references.some((reference) => reference.kind === target.via && reference.value === target.ref),
  );
}

/**
 * Look-ups stop at the first resource that does not exist (resolve.ts), so the parts naming it are decided first:
 * the others' targets were not all resolved.
 */
function missingFirst(parts: readonly GraphqlPart[], targets: readonly ResolvedTarget[]): GraphqlPart[] {
  const missing = targets.filter((target) => !target.exists);
  const names = (part: GraphqlPart): boolean => targetsOf(part, missing).length > 0;
  return [...parts.filter(names), ...parts.filter((part) => !names(part))];
}
