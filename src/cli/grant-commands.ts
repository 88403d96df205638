/**
 * `mlgate grant|revoke|grants`: grants of users and groups on one resource of a permission type: an experiment
 * (by id), a registered model or a prompt (by name, as MLflow's auth keys them), an AI gateway endpoint (by its id,
 * `e-…`, as MLflow's auth keys it).
 */
import { PERMISSION_LEVELS, type PermissionLevel } from '../config/schema.js';
import { MlgateError } from '../errors.js';
import { isCanonicalExperimentId } from '../mlflow/resources/experiment.js';
import type { ResourceType, Store } from '../store/types.js';
import { type Output, principalOf } from './admin-commands.js';

function usage(message: string): MlgateError {
  return new MlgateError('MLGATE_USAGE', `${message} Run "mlgate help" for usage.`);
}

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

export interface GrantResource {
  readonly type: ResourceType;
  readonly id: string;
  /** For messages: `experiment 7`, `registered model "churn"`. */
  readonly label: string;
}

/** An AI gateway endpoint id as MLflow makes it (h/gateway). */
const GATEWAY_ENDPOINT_ID = /^e-[0-9a-f]{1,64}$/;
/** An AI gateway model definition id as MLflow makes it (h/gateway). */
const GATEWAY_MODEL_DEFINITION_ID = /^d-[0-9a-f]{1,64}$/;
/** An MCP server name as MLflow accepts it: two non-empty segments (h/gateway). */
const MCP_SERVER_NAME = /^[^/\s]{1,500}\/[^/\s]{1,500}$/;

/** Longest registered model or prompt name accepted on the command line. */
const MAX_NAME_LENGTH = 1000;

/** The one resource a command names; refuses ids MLflow would read as another one. */
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
    throw usage(
      'Give exactly one of --experiment <id>, --registered-model <name>, --prompt <name>, --gateway-endpoint <id>, ' +
        '--gateway-model-definition <id> or --mcp-server <namespace/slug>.',
    );
  }
  const [type, id] = only;
  if (type === 'experiment') {
    if (!isCanonicalExperimentId(id)) {
      throw usage('--experiment <id> must be an MLflow experiment id as MLflow prints it (e.g. 7, not 007).');
    }
    return { type, id, label: `experiment ${id}` };
  }
  // The AI gateway (h/gateway): MLflow's endpoint ids are `e-` and hex digits.
  if (type === 'gateway_endpoint') {
    if (!GATEWAY_ENDPOINT_ID.test(id)) {
      throw usage('--gateway-endpoint <id> must be an AI gateway endpoint id as MLflow gives it (e-…, not its name).');
    }
    return { type, id, label: `AI gateway endpoint ${id}` };
  }
  // AI gateway model definitions (h/gateway): `d-` and hex digits.
  if (type === 'gateway_model_definition') {
    if (!GATEWAY_MODEL_DEFINITION_ID.test(id)) {
      throw usage('--gateway-model-definition <id> must be a model definition id as MLflow gives it (d-…).');
    }
    return { type, id, label: `AI gateway model definition ${id}` };
  }
  // MCP servers (h/gateway): named <namespace>/<slug>, as MLflow names them.
  if (type === 'mcp_server') {
    if (!MCP_SERVER_NAME.test(id)) {
      throw usage('--mcp-server <name> must be an MCP server name as MLflow gives it (<namespace>/<slug>).');
    }
    return { type, id, label: `MCP server ${JSON.stringify(id)}` };
  }
  // eslint-disable-next-line no-control-regex
  if (id === '' || id.length > MAX_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(id)) {
    throw usage(`--${type === 'prompt' ? 'prompt' : 'registered-model'} must be a name MLflow could have given.`);
  }
  return { type, id, label: `${type === 'prompt' ? 'prompt' : 'registered model'} ${JSON.stringify(id)}` };
}

function resourceData(resource: GrantResource): Record<string, string> {
  return resource.type === 'experiment' ? { experiment_id: resource.id } : { [resource.type]: resource.id };
}

export async function grant(
  store: Store,
  args: ResourceArgs & { user: string | undefined; group: string | undefined; permission: string | undefined },
): Promise<Output> {
  const resource = resourceOf(args);
  const { principalType, principal } = principalOf(args);
  const permission = args.permission?.toUpperCase();
  if (permission === undefined || !PERMISSION_LEVELS.includes(permission as PermissionLevel)) {
    throw usage(`--permission must be one of ${PERMISSION_LEVELS.join(', ')}.`);
  }
  await store.grants.put({
    resourceType: resource.type,
    resourceId: resource.id,
    principalType,
    principal,
    permission: permission as PermissionLevel,
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
  const { principalType, principal } = principalOf(args);
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
