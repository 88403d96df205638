/**
 * May a caller who is not an administrator list or change the grants of one resource? The policy decides, as it
 * decides MLflow requests, with the same steps: the resource resolved through MLflow (a registered model name to a
 * registered model or a prompt), its name for regex rules, the caller's grants, the policy input, and a decision of
 * the policy installed at that moment (each check is one synchronous decision). The operation is ManagePermissions (policies/mlgate/operations/data.yaml): MANAGE on the resource, and
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
import { type ResolvedTarget, buildPolicyInput, grantsKey } from '../../policy/input.js';
import type { LiveData } from '../../policy/live-data.js';
import type { OwnOperation } from '../../policy/own-operations.js';
import type { PrincipalType, ResourceGrants } from '../../store/types.js';
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
  readonly engine: Pick<DecisionEngine, 'decide'>;
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

/** A user or group grant as a change leaves it: the level after, null when it is removed. */
export interface GrantAfter {
  readonly principalType: PrincipalType;
  readonly principal: string;
  readonly permission: PermissionLevel | null;
}

/**
 * Whether a change to one grant would give MANAGE on the resource to `principal`, or take it away, as the policy
 * decides with their grants before and after it. A user's own grant comes before their groups' and those before
 * the regex rules and the default, so a READ grant to a user, or to a group they are in, can demote an owner whose
 * MANAGE comes from a later source, and removing a grant can make one: either is a change of MANAGE, which only
 * administrators may make.
 */
export async function changesManage(
  deps: ManageCheckDeps,
  principal: Principal,
  request: Omit<ManageRequest, 'caller' | 'change'>,
  after: GrantAfter,
): Promise<boolean> {
  const { targets, grants } = await resolveFor(deps, principal, request.resource);
  const decide = (held: ReadonlyMap<string, ResourceGrants>): boolean =>
    decideWith(deps, principal, { ...request, change: {} }, targets, held).allow;
  return decide(grants) !== decide(grantsAfter(grants, request.resource, principal, after));
}

/** The principal's grants with one grant changed as `after` says (pure). */
export function grantsAfter(
  grants: ReadonlyMap<string, ResourceGrants>,
  resource: Pick<GrantResource, 'type' | 'id'>,
  principal: Pick<Principal, 'username' | 'groups'>,
  after: GrantAfter,
): ReadonlyMap<string, ResourceGrants> {
  const key = grantsKey(resource.type, resource.id);
  const held = grants.get(key) ?? { user: null, groups: {} };
  let changed: ResourceGrants;
  if (after.principalType === 'user') {
    if (after.principal !== principal.username) return grants;
    changed = { ...held, user: after.permission };
  } else {
    if (!principal.groups.includes(after.principal)) return grants;
    const groups: Record<string, PermissionLevel> = { ...held.groups };
    if (after.permission === null) {
      delete groups[after.principal];
    } else {
      groups[after.principal] = after.permission;
    }
    changed = { ...held, groups };
  }
  return new Map(grants).set(key, changed);
}

async function decideManage(
  deps: ManageCheckDeps,
  principal: Principal,
  request: Omit<ManageRequest, 'caller'>,
): Promise<{ readonly decision: Decision; readonly targets: readonly ResolvedTarget[] }> {
  const { targets, grants } = await resolveFor(deps, principal, request.resource);
  return { decision: decideWith(deps, principal, request, targets, grants), targets };
}

/** The resource resolved through MLflow, and the principal's grants on it. */
async function resolveFor(
  deps: ManageCheckDeps,
  principal: Principal,
  resource: GrantResource,
): Promise<{ readonly targets: readonly ResolvedTarget[]; readonly grants: ReadonlyMap<string, ResourceGrants> }> {
  const { targets, grants } = await resolveTargets(deps, {
    route: { targets: [] },
    view: { params: { source: 'query', query: new URLSearchParams() }, query: new URLSearchParams(), path: {} },
    extraReferences: [{ kind: REFERENCE_KIND[resource.type], value: resource.id }],
    username: principal.username ?? '',
    groups: principal.groups,
  });
  return { targets, grants };
}

function decideWith(
  deps: ManageCheckDeps,
  principal: Principal,
  request: Omit<ManageRequest, 'caller'>,
  targets: readonly ResolvedTarget[],
  grants: ReadonlyMap<string, ResourceGrants>,
): Decision {
  return deps.engine.decide(
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
  if (decision.reasons.includes('reserved-value')) {
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
  return denialError(decision, {
    operation: MANAGE_OPERATION,
    method: context.method,
    path: context.path,
    targets: context.targets,
  });
}
