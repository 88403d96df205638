/** The policy's input document, built from what the gateway established (pure). */
import type { Principal } from '../auth/principal.js';
import type { PermissionLevel } from '../config/schema.js';
import type { ResourceKindName } from '../mlflow/resources/index.js';
import type { CarrierType } from '../mlflow/resources/kind.js';
import type { ResourceGrants } from '../store/types.js';

/** A resource the request touches, resolved to the resource that carries the permission. */
export interface ResolvedTarget {
  readonly type: CarrierType;
  /** Id of the permission-bearing resource (the experiment id). */
  readonly id: string;
  /** How it was reached: the kind of resource the request named (experiment, experiment_name, run, ...). */
  readonly via: ResourceKindName;
  /** What the request named (run id, experiment name, ...). */
  readonly ref: string;
  /** False when the named resource does not exist. */
  readonly exists: boolean;
  /** The permission needed on this target when it is not the operation's (TargetSpec.permission). */
  readonly permission?: PermissionLevel;
  /** The experiment's name, when regex rules need it (src/mlflow/names.ts). */
  readonly name?: string;
}

export interface PolicyTarget {
  readonly type: string;
  readonly id: string;
  readonly via: string;
  /** What the request named (a run id, a dataset id), which `via` resolved to this target. */
  readonly ref: string;
  readonly exists: boolean;
  readonly grants: ResourceGrants;
  /** Set when this target needs another permission than the operation's. */
  readonly permission?: PermissionLevel;
  /** The resource's name, which regex rules match; absent when it was not looked up. */
  readonly name?: string;
}

export interface PolicyInput {
  readonly principal: {
    readonly authenticated: boolean;
    readonly username: string | null;
    readonly is_admin: boolean;
    readonly groups: readonly string[];
    readonly auth_method: string;
  };
  readonly operation: string | null;
  readonly targets: readonly PolicyTarget[];
  readonly request: { readonly method: string; readonly path: string };
  readonly attributes: Readonly<Record<string, string>>;
  readonly now_ms: number;
}

/** The key of a target's grants in the map buildPolicyInput reads: ids of different types never meet. */
export function grantsKey(type: string, id: string): string {
  return `${type}:${id}`;
}

/** Grants of one type keyed by id (as GrantSource.forPrincipal answers), keyed for buildPolicyInput. */
export function keyedGrants(
  type: string,
  byId: ReadonlyMap<string, ResourceGrants>,
  into: Map<string, ResourceGrants> = new Map(),
): Map<string, ResourceGrants> {
  for (const [id, grants] of byId) {
    into.set(grantsKey(type, id), grants);
  }
  return into;
}

const NO_GRANTS: ResourceGrants = Object.freeze({ user: null, groups: Object.freeze({}) });

export function buildPolicyInput(args: {
  readonly principal: Principal;
  readonly operation: string | null;
  readonly targets: readonly ResolvedTarget[];
  /** By grantsKey(type, id). */
  readonly grants: ReadonlyMap<string, ResourceGrants>;
  readonly method: string;
  readonly path: string;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly now: Date;
}): PolicyInput {
  return {
    principal: {
      authenticated: args.principal.authenticated,
      username: args.principal.username,
      is_admin: args.principal.isAdmin,
      groups: args.principal.groups,
      auth_method: args.principal.method,
    },
    operation: args.operation,
    targets: args.targets.map((target) => ({
      type: target.type,
      id: target.id,
      via: target.via,
      ref: target.ref,
      exists: target.exists,
      grants: args.grants.get(grantsKey(target.type, target.id)) ?? NO_GRANTS,
      ...(target.permission === undefined ? {} : { permission: target.permission }),
      ...(target.name === undefined ? {} : { name: target.name }),
    })),
    request: { method: args.method, path: args.path },
    attributes: args.attributes ?? {},
    now_ms: args.now.getTime(),
  };
}
