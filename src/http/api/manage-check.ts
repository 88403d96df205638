/**
 * May a caller who is not an administrator list or change the grants of one resource? The policy decides, as it
 * decides MLflow requests, with the same steps: the resource resolved through MLflow (a registered model name to a
 * registered model or a prompt), its name for regex rules, the caller's grants, the policy input and one policy
 * snapshot. The operation is ManagePermissions (policies/mlgate/operations/data.yaml): MANAGE on the resource, and
 * a MANAGE grant (given, changed or removed) reserved to administrators.
 */
import type { Principal } from '../../auth/principal.js';
import type { PermissionLevel } from '../../config/schema.js';
import { MlgateError } from '../../errors.js';
import type { ResourceKindName } from '../../mlflow/resources/index.js';
import type { CarrierType } from '../../mlflow/resources/kind.js';
import type { GrantResource } from '../../permissions/input.js';
import type { Decision } from '../../policy/decision.js';
import type { DecisionEngine } from '../../policy/engine.js';
import { type ResolvedTarget, buildPolicyInput } from '../../policy/input.js';
import type { LiveData } from '../../policy/live-data.js';
import type { OwnOperation } from '../../policy/own-operations.js';
import { denialError } from '../denial.js';
import { type TargetDeps, resolveTargets } from '../resolve-targets.js';
import type { Caller } from './caller.js';

export const MANAGE_OPERATION: OwnOperation = 'ManagePermissions';

/** How a resource of each permission type is named to the resolver (src/mlflow/resources/). */
const REFERENCE_KIND: Readonly<Record<CarrierType, ResourceKindName>> = {
  experiment: 'experiment',
  // A name is a registered model or a prompt: MLflow says which.
  registered_model: 'registered_model_name',
  prompt: 'registered_model_name',
  gateway_endpoint: 'gateway_endpoint',
  gateway_model_definition: 'gateway_model_definition',
  mcp_server: 'mcp_server',
};

/** What the caller wants to do with the resource's grants (the policy input's attributes). */
export interface GrantChange {
  /** The level to grant; absent when listing or revoking. */
  readonly permission?: PermissionLevel;
  /** The level of the grant the change replaces or removes; absent when there is none, or when listing. */
  readonly currentPermission?: PermissionLevel;
}

export interface ManageCheckDeps extends TargetDeps {
  readonly engine: Pick<DecisionEngine, 'snapshot'>;
  /** Permission data too old to decide from refuses the change (MLGATE_PERMISSIONS_STALE). */
  readonly liveData?: Pick<LiveData, 'assertFresh'>;
}

export interface ManageRequest {
  readonly caller: Caller;
  readonly resource: GrantResource;
  readonly change: GrantChange;
  readonly method: string;
  readonly path: string;
  readonly now: Date;
}

/** Resolves, when the policy lets the caller make the change; throws the refusal otherwise. */
export async function authorizeManage(deps: ManageCheckDeps, request: ManageRequest): Promise<void> {
  deps.liveData?.assertFresh();
  const { decision, targets } = await decideManage(deps, request.caller, request);
  if (!decision.allow) {
    throw manageDenial(decision, { resource: request.resource, targets, method: request.method, path: request.path });
  }
  // Said only to a caller who may manage what the name is: the type of a registry name is not for everyone.
  const other = targets.find((target) => target.exists && target.type !== request.resource.type);
  if (other !== undefined) {
    // A registered model named like a prompt (or the other way round): its grants are of the other type.
    throw new MlgateError(
      'MLGATE_REQUEST_INVALID',
      `${JSON.stringify(request.resource.id)} is a ${other.type.replaceAll('_', ' ')} in MLflow, not a ` +
        `${request.resource.type.replaceAll('_', ' ')}: use resource_type ${other.type}.`,
    );
  }
}

/**
 * Whether `principal` (the user a grant is for) holds MANAGE on the resource now, from any source, as the policy
 * decides: a grant made to them would replace what they hold (their own grant comes first), so it is a MANAGE grant
 * being changed even when MANAGE reaches them through a group, a rule or the default.
 */
export async function holdsManage(
  deps: ManageCheckDeps,
  principal: Principal,
  request: Omit<ManageRequest, 'caller' | 'change'>,
): Promise<boolean> {
  return (await decideManage(deps, principal, { ...request, change: {} })).decision.allow;
}

async function decideManage(
  deps: ManageCheckDeps,
  principal: Principal,
  request: Omit<ManageRequest, 'caller'>,
): Promise<{ readonly decision: Decision; readonly targets: readonly ResolvedTarget[] }> {
  const { resource } = request;
  const { targets, grants } = await resolveTargets(deps, {
    route: { targets: [] },
    view: { params: { source: 'query', query: new URLSearchParams() }, query: new URLSearchParams(), path: {} },
    extraReferences: [{ kind: REFERENCE_KIND[resource.type], value: resource.id }],
    username: principal.username ?? '',
    groups: principal.groups,
  });
  const decision = deps.engine.snapshot().decide(
    buildPolicyInput({
      principal,
      operation: MANAGE_OPERATION,
      targets,
      grants,
      method: request.method,
      path: request.path,
      attributes: changeAttributes(request.change),
      now: request.now,
    }),
  );
  return { decision, targets };
}

/** The policy input's attributes for a change (pure). */
export function changeAttributes(change: GrantChange): Record<string, string> {
  return {
    ...(change.permission === undefined ? {} : { permission: change.permission }),
    ...(change.currentPermission === undefined ? {} : { current_permission: change.currentPermission }),
  };
}

/** The error a refused change answers with (pure). */
export function manageDenial(
  decision: Decision,
  context: {
    readonly resource: GrantResource;
    readonly targets: readonly ResolvedTarget[];
    readonly method: string;
    readonly path: string;
  },
): MlgateError {
  const details = { reasons: decision.reasons, operation: MANAGE_OPERATION };
  // Only a caller refused for nothing else learns that a MANAGE grant is at stake.
  if (decision.reasons.length === 1 && decision.reasons[0] === 'reserved-value') {
    return new MlgateError(
      'MLGATE_PERMISSION_DENIED',
      `Only administrators may grant MANAGE, or change or remove a grant that is MANAGE, on ${context.resource.label}. ` +
        'With MANAGE on it you may grant READ, USE, EDIT or NO_PERMISSIONS; ask an administrator for this change.',
      { details },
    );
  }
  if (decision.reasons.includes('route-unknown')) {
    // A policy bundle of one's own that predates the permissions API: nobody but administrators may change grants.
    return new MlgateError(
      'MLGATE_ADMIN_REQUIRED',
      `The policy in use does not define ${MANAGE_OPERATION}, so only administrators may list or change grants. ` +
        'An operator can add it to the policy bundle (see docs/policies.md).',
      { details },
    );
  }
  // Refused for the caller's own permission first: the reserved grant is not mentioned.
  const reasons = decision.reasons.filter((reason) => reason !== 'reserved-value');
  return denialError(
    { ...decision, reasons },
    {
      operation: MANAGE_OPERATION,
      method: context.method,
      path: context.path,
      targets: context.targets,
    },
  );
}
