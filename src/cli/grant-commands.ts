/**
 * `mlgate grant|revoke|grants`: grants of users and groups on one resource of a permission type: an experiment
 * (by id), a registered model or a prompt (by name, as MLflow's auth keys them), an AI gateway endpoint (by its id,
 * `e-…`, as MLflow's auth keys it).
 */
import { MlgateError } from '../errors.js';
import { CLI_INPUT, type GrantResource, parseLevel, parsePrincipal, parseResource } from '../permissions/input.js';
import type { Store } from '../store/types.js';
import type { Output } from './admin-commands.js';

export type { GrantResource } from '../permissions/input.js';

/** The resource options of the grant commands. */
export interface ResourceArgs {
  readonly experiment: string | undefined;
  readonly 'registered-model': string | undefined;
  readonly prompt: string | undefined;
  // The AI gateway (h/gateway).
  readonly 'gateway-endpoint'?: string | undefined;
  readonly 'mcp-server'?: string | undefined;
  readonly 'gateway-model-definition'?: string | undefined;
}

/** The one resource a command names; refuses ids MLflow would read as another one (src/permissions/input.ts). */
export function resourceOf(args: ResourceArgs): GrantResource {
  const given = [
    args.experiment === undefined ? [] : [['experiment', args.experiment] as const],
    args['registered-model'] === undefined ? [] : [['registered_model', args['registered-model']] as const],
    args.prompt === undefined ? [] : [['prompt', args.prompt] as const],
    // The AI gateway (h/gateway).
    args['gateway-endpoint'] === undefined ? [] : [['gateway_endpoint', args['gateway-endpoint']] as const],
    args['mcp-server'] === undefined ? [] : [['mcp_server', args['mcp-server']] as const],
    args['gateway-model-definition'] === undefined
      ? []
      : [['gateway_model_definition', args['gateway-model-definition']] as const],
  ].flat();
  const only = given[0];
  if (given.length !== 1 || only === undefined) {
    throw CLI_INPUT.invalid(
      'Give exactly one of --experiment <id>, --registered-model <name>, --prompt <name>, --gateway-endpoint <id>, ' +
        '--gateway-model-definition <id> or --mcp-server <namespace/slug>.',
    );
  }
  return parseResource(only[0], only[1], CLI_INPUT);
}

function resourceData(resource: GrantResource): Record<string, string> {
  return resource.type === 'experiment' ? { experiment_id: resource.id } : { [resource.type]: resource.id };
}

export async function grant(
  store: Store,
  args: ResourceArgs & { user: string | undefined; group: string | undefined; permission: string | undefined },
): Promise<Output> {
  const resource = resourceOf(args);
  const { principalType, principal } = parsePrincipal(args, CLI_INPUT);
  const permission = parseLevel(args.permission, CLI_INPUT);
  await store.grants.put({
    resourceType: resource.type,
    resourceId: resource.id,
    principalType,
    principal,
    permission,
    createdBy: 'cli',
  });
  return {
    data: { ...resourceData(resource), [principalType]: principal, permission },
    lines: [`Granted ${permission} on ${resource.label} to ${principalType} ${principal}.`],
  };
}

export async function revoke(
  store: Store,
  args: ResourceArgs & { user: string | undefined; group: string | undefined },
): Promise<Output> {
  const resource = resourceOf(args);
  const { principalType, principal } = parsePrincipal(args, CLI_INPUT);
  if (!(await store.grants.remove(resource.type, resource.id, principalType, principal))) {
    throw new MlgateError('MLGATE_NO_SUCH_OBJECT', `${principalType} ${principal} has no grant on ${resource.label}.`);
  }
  return {
    data: { ...resourceData(resource), [principalType]: principal, revoked: true },
    lines: [`Revoked the grant of ${principalType} ${principal} on ${resource.label}.`],
  };
}

export async function listGrants(store: Store, args: ResourceArgs): Promise<Output> {
  const resource = resourceOf(args);
  const grants = await store.grants.listForResource(resource.type, resource.id);
  return {
    data: grants.map((g) => ({ principal_type: g.principalType, principal: g.principal, permission: g.permission })),
    lines: grants.map((g) => `${g.principalType} ${g.principal}: ${g.permission}`),
  };
}
