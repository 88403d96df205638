/**
 * Turns a denied decision into the error the client gets (pure). This is the
 * one place where the policy's reasons become 401 / 403 / 404.
 */
import { MlgateError } from '../errors.js';
import { resourceKind } from '../mlflow/resources/index.js';
import type { Decision } from '../policy/decision.js';
import { type DenyReason, classOf } from '../policy/reasons.js';
import type { ResolvedTarget } from '../policy/input.js';

export interface DenialContext {
  readonly operation: string | null;
  readonly method: string;
  readonly path: string;
  readonly targets: readonly ResolvedTarget[];
  /** What to tell a client whose request names nothing the route's resource kinds can check (ResourceKind). */
  readonly unnamedHint?: string;
}

export function denialError(decision: Decision, context: DenialContext): MlgateError {
  const reasons = new Set(decision.reasons);
  const details = { reasons: decision.reasons, operation: context.operation };
  const bug = decision.reasons.find((reason) => classOf(reason as DenyReason) === 'gateway-bug');
  if (bug !== undefined) {
    // Not the caller's doing: the gateway built an input the policy refuses, or the policy decided nothing.
    return new MlgateError(
      'MLGATE_POLICY_ERROR',
      `The policy could not decide ${context.operation ?? 'this request'} (${bug}): a gateway or policy bug, not ` +
        'a missing permission. Report the request id to the operators.',
      { details },
    );
  }
  if (reasons.has('unauthenticated')) {
    // The challenges (or the redirect to log in) are added by the challenge stage.
    return new MlgateError('MLGATE_AUTH_REQUIRED', undefined, { details });
  }
  if (reasons.has('route-unknown')) {
    return new MlgateError(
      'MLGATE_ROUTE_UNKNOWN',
      `${context.method} ${context.path} is not in the gateway's MLflow route catalogue, so only administrators may ` +
        'call it. If it is a real MLflow endpoint, report it to the mlgate maintainers.',
      { details },
    );
  }
  if (reasons.has('admin-required')) {
    return new MlgateError(
      'MLGATE_ADMIN_REQUIRED',
      `Only administrators may call ${context.operation ?? 'this endpoint'}.`,
      {
        details,
      },
    );
  }
  if (reasons.has('artifact-location-not-allowed')) {
    return new MlgateError(
      'MLGATE_PERMISSION_DENIED',
      'You may not choose where this experiment stores its artifacts: leave artifact_location unset, or use a ' +
        'location under one of the roots an administrator allowed (artifacts.allowed_roots).',
      { details },
    );
  }
  if (reasons.has('creation-restricted')) {
    return new MlgateError(
      'MLGATE_PERMISSION_DENIED',
      `You may not call ${context.operation ?? 'this endpoint'}: creating this kind of resource is limited to ` +
        'members of the groups an administrator named for the kind created (permissions.experiment_creators, ' +
        'permissions.registered_model_creators, permissions.prompt_creators, permissions.gateway_endpoint_creators, ' +
        'permissions.mcp_server_creators). Ask an administrator to add you to one of them.',
      { details },
    );
  }
  if (reasons.has('reserved-value')) {
    return new MlgateError(
      'MLGATE_PERMISSION_DENIED',
      `Only administrators may make this change with ${context.operation ?? 'this endpoint'}: it sets or removes a ` +
        'reserved value (the tag mlflow.prompt.is_prompt, which would move a registered model or prompt to the ' +
        'other permission type, away from its grants).',
      { details },
    );
  }
  if (reasons.has('resource-not-found') && !reasons.has('no-permission')) {
    const missing = context.targets.find((target) => !target.exists);
    return new MlgateError(
      'MLGATE_RESOURCE_NOT_FOUND',
      missing === undefined ? undefined : `${describeTarget(missing)} does not exist.`,
      { details },
    );
  }
  if (reasons.has('no-targets') && context.unnamedHint !== undefined) {
    return new MlgateError('MLGATE_PERMISSION_DENIED', context.unnamedHint, { details });
  }
  return new MlgateError('MLGATE_PERMISSION_DENIED', permissionMessage(decision, context), { details });
}

function permissionMessage(decision: Decision, context: DenialContext): string {
  const failing = decision.checks.find((check) => !check.satisfied);
  const advice = 'Ask a user with MANAGE permission on it, or an administrator, to grant you access.';
  if (failing === undefined) {
    return `Permission denied for ${context.operation ?? 'this request'}. ${advice}`;
  }
  const target = context.targets.find((t) => t.id === failing.id && t.exists);
  const what = target === undefined ? `experiment ${failing.id}` : describeTarget(target);
  const held =
    failing.source === 'default'
      ? `${failing.permission} (the default)`
      : failing.rule !== undefined
        ? `${failing.permission} (${failing.source} rule ${failing.rule})`
        : failing.group !== undefined
          ? `${failing.permission} (grant of group ${failing.group})`
          : `${failing.permission} (${failing.source} grant)`;
  return `Permission denied: ${context.operation ?? 'this request'} needs ${failing.required} on ${what}; you have ${held}. ${advice}`;
}

export function describeTarget(target: ResolvedTarget): string {
  return resourceKind(target.via).describe(target.ref);
}
