/**
 * The decisions of a GraphQL request: one per part of its document (mlflow/graphql/analyse.ts), each with the
 * operation the part runs and the resources it names. A refused root field refuses the whole request (the refusal
 * is returned, to be answered in GraphQL: mlflow/graphql/refusal.ts); a refused nested field is emptied in the
 * answer instead (returned as a redaction for the graphql forward handler).
 *
 * A search the policy obliges the gateway to narrow (mlflowSearchRuns, mlflowSearchDatasets naming experiments the
 * caller may not read) is rewritten to the readable ones, as the REST searches are (mlflow/graphql/narrow.ts); the
 * rewritten document is analysed and decided again, and must then need no narrowing. A search left with no readable
 * experiment, or written in a named fragment (shared by every place that spreads it), is refused instead.
 */
import { ANONYMOUS } from '../auth/principal.js';
import { MlgateError } from '../errors.js';
import { type GraphqlAnalysis, type GraphqlPart, analyseGraphql } from '../mlflow/graphql/analyse.js';
import { type FieldNarrowing, narrowGraphqlDocument } from '../mlflow/graphql/narrow.js';
import { jsonName } from '../mlflow/params.js';
import type { PolicySnapshot } from '../policy/engine.js';
import { type ResolvedTarget, buildPolicyInput } from '../policy/input.js';
import { denialError } from './denial.js';
import type { GatewayState } from './state.js';

export type Redaction = NonNullable<GatewayState['redactions']>[number];

export type GraphqlVerdict =
  | { readonly refusal: MlgateError; readonly redactions?: never }
  | {
      readonly redactions: Redaction[];
      readonly refusal?: never;
      /** The document narrowed to readable experiments, and its analysis: sent to MLflow instead. */
      readonly rewrite?: { readonly query: string; readonly analysis: GraphqlAnalysis };
    };

export function authorizeGraphqlParts(
  policy: PolicySnapshot,
  state: GatewayState,
  request: { readonly method: string },
): GraphqlVerdict {
  const verdict = decideParts(policy, state, request);
  if (verdict.refusal !== undefined || verdict.narrowings.length === 0) {
    return verdict.refusal === undefined ? { redactions: verdict.redactions } : { refusal: verdict.refusal };
  }
  const analysis = state.graphql as GraphqlAnalysis;
  const query = narrowGraphqlDocument(analysis.document, verdict.narrowings);
  const original = analysis.request;
  const narrowed = analyseGraphql({ ...original, query }, { maxResources: Math.max(analysis.references.length, 1) });
  const again = decideParts(policy, { ...state, graphql: narrowed }, request);
  if (again.refusal !== undefined || again.narrowings.length > 0) {
    return {
      refusal:
        again.refusal ??
        new MlgateError('MLGATE_INTERNAL', 'A GraphQL search narrowed to readable experiments still names others.'),
    };
  }
  return { redactions: again.redactions, rewrite: { query, analysis: narrowed } };
}

function decideParts(
  policy: PolicySnapshot,
  state: GatewayState,
  request: { readonly method: string },
):
  | { readonly refusal: MlgateError; readonly redactions?: never; readonly narrowings?: never }
  | { readonly refusal?: never; readonly redactions: Redaction[]; readonly narrowings: FieldNarrowing[] } {
  const parts = state.graphql?.parts ?? [];
  const targets = state.targets ?? [];
  const redactions: Redaction[] = [];
  const narrowings: FieldNarrowing[] = [];
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
      // The policy leaves unreadable experiments out of this search: narrowed when the field can be, else refused,
      // never sent on whole.
      const satisfied = new Set(decision.checks.filter((check) => check.satisfied).map((check) => check.id));
      const narrowing = narrowingOf(part, satisfied);
      if (narrowing !== undefined) {
        narrowings.push(narrowing);
        continue;
      }
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
  return { redactions, narrowings };
}

/** The field's input with only the readable experiments; undefined when it cannot be narrowed or none is left. */
function narrowingOf(part: GraphqlPart, readable: ReadonlySet<string>): FieldNarrowing | undefined {
  const root = part.root;
  const field = jsonName('experiment_ids');
  const listed = root?.input[field];
  if (root === undefined || root.inFragment || root.inputType === undefined || !Array.isArray(listed)) {
    return undefined;
  }
  const kept = listed.filter((id): id is string => typeof id === 'string' && readable.has(id));
  return kept.length === 0
    ? undefined
    : { node: root.node, input: { ...root.input, [field]: kept }, inputType: root.inputType };
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
