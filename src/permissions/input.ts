/**
 * What a permission change names, read the same way by the command line (`mlgate grant|rule|group`) and by the
 * gateway's API (`/_mlgate/api/grants|rules|groups`) (pure): a resource of a permission type, a user or a group, a
 * permission level, a regex rule's type and priority, a group's creator permission. Only how a bad value is
 * reported differs: each interface names its own fields and answers with its own error code (InputSyntax).
 */
import { isValidGroupName, isValidUsername, normalizeUsername } from '../auth/usernames.js';
import { PERMISSION_LEVELS, type PermissionLevel } from '../config/schema.js';
import { MlgateError } from '../errors.js';
import { isCanonicalExperimentId } from '../mlflow/resources/experiment.js';
import { CARRIER_TYPES, type CarrierType } from '../mlflow/resources/kind.js';
import type { PrincipalType } from '../store/types.js';

/** The values a permission change is made of, named as the command line and the API name them. */
export type InputField =
  CarrierType | 'resource_type' | 'user' | 'group' | 'permission' | 'creator_permission' | 'pattern' | 'priority';

export interface InputSyntax {
  /** How the interface names a field in a message: `--permission` on the command line, `permission` in the API. */
  field(name: InputField): string;
  /** How "no permission" is written for a group's creator permission: `none`, or `null` in JSON. */
  readonly none: string;
  /** The error a bad value raises. */
  invalid(message: string): MlgateError;
}

const CLI_FIELDS: Readonly<Record<InputField, string>> = {
  experiment: '--experiment <id>',
  registered_model: '--registered-model',
  prompt: '--prompt',
  gateway_endpoint: '--gateway-endpoint <id>',
  gateway_model_definition: '--gateway-model-definition <id>',
  mcp_server: '--mcp-server <name>',
  resource_type: '--type',
  user: '--user <name>',
  group: '--group <name>',
  permission: '--permission',
  creator_permission: '--creator-permission',
  pattern: '--pattern <regex>',
  priority: '--priority <n>',
};

/** `mlgate …`: options, and a usage error (exit status 2). */
export const CLI_INPUT: InputSyntax = {
  field: (name) => CLI_FIELDS[name],
  none: 'none',
  invalid: (message) => new MlgateError('MLGATE_USAGE', `${message} Run "mlgate help" for usage.`),
};

/** `/_mlgate/api/…`: JSON fields and query parameters (a resource's id is `resource_id`), and a 400. */
export const API_INPUT: InputSyntax = {
  field: (name) => ((CARRIER_TYPES as readonly string[]).includes(name) ? 'resource_id' : name),
  none: 'null',
  invalid: (message) => new MlgateError('MLGATE_REQUEST_INVALID', message),
};

/** One resource grants are made on. */
export interface GrantResource {
  readonly type: CarrierType;
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
/** Longest registered model or prompt name accepted. */
const MAX_NAME_LENGTH = 1000;

/** A permission type by name (`experiment`, `registered_model`, …; dashes are read as underscores). */
export function parseResourceType(raw: string | undefined, syntax: InputSyntax, what: string): CarrierType {
  const type = raw?.replaceAll('-', '_');
  if (type === undefined || !(CARRIER_TYPES as readonly string[]).includes(type)) {
    throw syntax.invalid(`${syntax.field('resource_type')} must be one of ${CARRIER_TYPES.join(', ')} (${what}).`);
  }
  return type as CarrierType;
}

/** One resource of a permission type; refuses ids MLflow would read as another one, or could not have made. */
export function parseResource(type: CarrierType, id: string, syntax: InputSyntax): GrantResource {
  const field = syntax.field(type);
  switch (type) {
    case 'experiment':
      if (!isCanonicalExperimentId(id)) {
        throw syntax.invalid(`${field} must be an MLflow experiment id as MLflow prints it (e.g. 7, not 007).`);
      }
      return { type, id, label: `experiment ${id}` };
    // The AI gateway (h/gateway): MLflow's endpoint ids are `e-` and hex digits, model definitions' `d-`.
    case 'gateway_endpoint':
      if (!GATEWAY_ENDPOINT_ID.test(id)) {
        throw syntax.invalid(`${field} must be an AI gateway endpoint id as MLflow gives it (e-…, not its name).`);
      }
      return { type, id, label: `AI gateway endpoint ${id}` };
    case 'gateway_model_definition':
      if (!GATEWAY_MODEL_DEFINITION_ID.test(id)) {
        throw syntax.invalid(`${field} must be a model definition id as MLflow gives it (d-…).`);
      }
      return { type, id, label: `AI gateway model definition ${id}` };
    // MCP servers (h/gateway): named <namespace>/<slug>, as MLflow names them.
    case 'mcp_server':
      if (!MCP_SERVER_NAME.test(id)) {
        throw syntax.invalid(`${field} must be an MCP server name as MLflow gives it (<namespace>/<slug>).`);
      }
      return { type, id, label: `MCP server ${JSON.stringify(id)}` };
    case 'registered_model':
    case 'prompt':
      // eslint-disable-next-line no-control-regex
      if (id === '' || id.length > MAX_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(id)) {
        throw syntax.invalid(`${field} must be a name MLflow could have given.`);
      }
      return { type, id, label: `${type === 'prompt' ? 'prompt' : 'registered model'} ${JSON.stringify(id)}` };
  }
}

export function parseUsername(raw: string, syntax: InputSyntax): string {
  const username = normalizeUsername(raw);
  if (!isValidUsername(username)) {
    throw syntax.invalid(`"${raw}" is not a valid username (letters, digits and . _ @ + -, at most 128 characters).`);
  }
  return username;
}

export function parseGroupName(raw: string, syntax: InputSyntax): string {
  if (!isValidGroupName(raw)) {
    throw syntax.invalid(
      `"${raw}" is not a valid group name (letters, digits and . _ : @ / + - and spaces, starting with a letter or digit).`,
    );
  }
  return raw;
}

/** The one user or group a change is for. */
export function parsePrincipal(
  args: { readonly user?: string | undefined; readonly group?: string | undefined },
  syntax: InputSyntax,
): { principalType: PrincipalType; principal: string } {
  if ((args.user === undefined) === (args.group === undefined)) {
    throw syntax.invalid(`Give exactly one of ${syntax.field('user')} or ${syntax.field('group')}.`);
  }
  return args.user !== undefined
    ? { principalType: 'user', principal: parseUsername(args.user, syntax) }
    : { principalType: 'group', principal: parseGroupName(args.group as string, syntax) };
}

/** A permission level (any case), NO_PERMISSIONS included: it denies. */
export function parseLevel(raw: string | undefined, syntax: InputSyntax): PermissionLevel {
  const level = raw?.toUpperCase();
  if (level === undefined || !(PERMISSION_LEVELS as readonly string[]).includes(level)) {
    throw syntax.invalid(
      `${syntax.field('permission')} must be one of ${PERMISSION_LEVELS.join(', ')} (NO_PERMISSIONS denies).`,
    );
  }
  return level as PermissionLevel;
}

/** A group's creator permission: a granting level, null for nothing (`none`), undefined when not given. */
export function parseCreatorPermission(
  raw: string | null | undefined,
  syntax: InputSyntax,
): PermissionLevel | null | undefined {
  if (raw === undefined) {
    return undefined;
  }
  if (raw === null || raw.toLowerCase() === 'none') {
    return null;
  }
  const level = raw.toUpperCase() as PermissionLevel;
  if (!PERMISSION_LEVELS.includes(level) || level === 'NO_PERMISSIONS') {
    throw syntax.invalid(
      `${syntax.field('creator_permission')} must be one of READ, USE, EDIT, MANAGE or ${syntax.none}.`,
    );
  }
  return level;
}

/** Priorities are small integers: among the rules that match, the lowest number decides. */
export const MAX_PRIORITY = 1_000_000;

/** A regex rule's priority: an integer from 0 to MAX_PRIORITY (digits on the command line, a number in JSON). */
export function parsePriority(raw: string | number | undefined, syntax: InputSyntax): number {
  const priority = typeof raw === 'string' ? (/^[0-9]+$/.test(raw) ? Number(raw) : NaN) : (raw ?? NaN);
  if (!Number.isSafeInteger(priority) || priority < 0 || priority > MAX_PRIORITY) {
    throw syntax.invalid(
      `${syntax.field('priority')} is required: an integer from 0 to ${MAX_PRIORITY} (the lowest number that ` +
        'matches decides).',
    );
  }
  return priority;
}

/** A regex rule's pattern, required (checked by the policy's own regex engine before it is stored). */
export function requirePattern(raw: string | undefined, syntax: InputSyntax): string {
  if (raw === undefined) {
    throw syntax.invalid(
      `${syntax.field('pattern')} is required (RE2 syntax, matched against the whole experiment name).`,
    );
  }
  return raw;
}
