/**
 * The declarative permissions file (issue 8, item 6) that `mlgate apply` reconciles into the store: groups, grants
 * and regex rules, reviewed and shipped through git. Parsing is pure and lists every problem at once.
 *
 *   groups:
 *     - name: analysts
 *       description: Analytics team          # optional
 *       creator_permission: EDIT             # optional: granted to the group on what its members create
 *   grants:
 *     - experiment: "12"                     # or experiment_name: team-a/churn (looked up in MLflow),
 *       group: analysts                      #   registered_model: churn, prompt: summarise,
 *                                            #   gateway_endpoint: e-0a1b… (an AI gateway endpoint's id),
 *                                            #   gateway_model_definition: d-2c3d…, mcp_server: com.example/search
 *       permission: READ                     # (or user: alice)
 *   rules:
 *     - group: team-a                        # or user: alice
 *       type: experiment                     # optional: experiment (default), registered_model or prompt
 *       pattern: team-a/.*                   # RE2, matched against the whole name
 *       priority: 10
 *       permission: EDIT
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { isValidGroupName, isValidUsername, normalizeUsername } from '../auth/usernames.js';
import { PERMISSION_LEVELS, type PermissionLevel } from '../config/schema.js';
import { MlgateError } from '../errors.js';
import { isCanonicalExperimentId } from '../mlflow/resources/experiment.js';
import { CARRIER_TYPES } from '../mlflow/resources/kind.js';
import type { PrincipalType, ResourceType } from '../store/types.js';

/** Highest rule priority (as `mlgate rule add`). */
export const MAX_FILE_PRIORITY = 1_000_000;

export interface DeclaredGroup {
  readonly name: string;
  readonly description: string;
  readonly creatorPermission: PermissionLevel | null;
}

export interface DeclaredPrincipal {
  readonly principalType: PrincipalType;
  readonly principal: string;
}

export interface DeclaredGrant extends DeclaredPrincipal {
  readonly resourceType: ResourceType;
  /** Exactly one of the two: the id (an experiment id, a registered model's or prompt's name), or an experiment name. */
  readonly resourceId?: string;
  readonly experimentName?: string;
  readonly permission: PermissionLevel;
}

export interface DeclaredRule extends DeclaredPrincipal {
  readonly resourceType: ResourceType;
  readonly pattern: string;
  readonly priority: number;
  readonly permission: PermissionLevel;
}

export interface PermissionsFile {
  readonly groups: readonly DeclaredGroup[];
  readonly grants: readonly DeclaredGrant[];
  readonly rules: readonly DeclaredRule[];
}

const level = z
  .string()
  .transform((value) => value.toUpperCase())
  .refine((value) => PERMISSION_LEVELS.includes(value as PermissionLevel), {
    message: `must be one of ${PERMISSION_LEVELS.join(', ')}`,
  })
  .transform((value) => value as PermissionLevel);

const groupName = z.string().refine(isValidGroupName, { message: 'is not a valid group name' });
const username = z
  .string()
  .transform(normalizeUsername)
  .refine(isValidUsername, { message: 'is not a valid username (letters, digits and . _ @ + -)' });

/** A registered model's or prompt's name. */
const modelName = z
  .string()
  .min(1)
  .max(1000)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'has control characters');

const principal = {
  user: username.optional(),
  group: groupName.optional(),
};

function onePrincipal(value: { user?: string | undefined; group?: string | undefined }, ctx: z.RefinementCtx): void {
  if ((value.user === undefined) === (value.group === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'name exactly one of user or group' });
  }
}

const fileSchema = z
  .object({
    groups: z
      .array(
        z
          .object({
            name: groupName,
            description: z.string().max(1000).default(''),
            creator_permission: level
              .refine((value) => value !== 'NO_PERMISSIONS', { message: 'must be READ, USE, EDIT or MANAGE' })
              .nullable()
              .default(null),
          })
          .strict(),
      )
      .default([]),
    grants: z
      .array(
        z
          .object({
            experiment: z
              .string()
              .refine(isCanonicalExperimentId, { message: 'is not an experiment id (a decimal number, in quotes)' })
              .optional(),
            experiment_name: z.string().min(1).max(500).optional(),
            registered_model: modelName.optional(),
            prompt: modelName.optional(),
            // The AI gateway (h/gateway): an endpoint by its id, as MLflow's auth keys it.
            gateway_endpoint: z
              .string()
              .regex(/^e-[0-9a-f]{1,64}$/, 'is not an AI gateway endpoint id (e-…)')
              .optional(),
            gateway_model_definition: z
              .string()
              .regex(/^d-[0-9a-f]{1,64}$/, 'is not an AI gateway model definition id (d-…)')
              .optional(),
            mcp_server: z
              .string()
              .regex(/^[^/\s]{1,500}\/[^/\s]{1,500}$/, 'is not an MCP server name (<namespace>/<slug>)')
              .optional(),
            ...principal,
            permission: level,
          })
          .strict()
          .superRefine((value, ctx) => {
            onePrincipal(value, ctx);
            const named = [
              value.experiment,
              value.experiment_name,
              value.registered_model,
              value.prompt,
              value.gateway_endpoint,
              value.mcp_server,
              value.gateway_model_definition,
            ];
            if (named.filter((v) => v !== undefined).length !== 1) {
              ctx.addIssue({
                code: 'custom',
                message:
                  'name exactly one of experiment, experiment_name, registered_model, prompt, gateway_endpoint, ' +
                  'gateway_model_definition or mcp_server',
              });
            }
          }),
      )
      .default([]),
    rules: z
      .array(
        z
          .object({
            ...principal,
            type: z.enum(CARRIER_TYPES).default('experiment'),
            pattern: z.string().min(1),
            priority: z.number().int().min(0).max(MAX_FILE_PRIORITY),
            permission: level,
          })
          .strict()
          .superRefine(onePrincipal),
      )
      .default([]),
  })
  .strict();

function principalOf(value: { user?: string | undefined; group?: string | undefined }): DeclaredPrincipal {
  return value.user !== undefined
    ? { principalType: 'user', principal: value.user }
    : { principalType: 'group', principal: value.group ?? '' };
}

function grantResource(g: {
  experiment?: string | undefined;
  experiment_name?: string | undefined;
  registered_model?: string | undefined;
  prompt?: string | undefined;
  gateway_endpoint?: string | undefined;
  mcp_server?: string | undefined;
  gateway_model_definition?: string | undefined;
}): Pick<DeclaredGrant, 'resourceType' | 'resourceId' | 'experimentName'> {
  if (g.gateway_endpoint !== undefined) return { resourceType: 'gateway_endpoint', resourceId: g.gateway_endpoint };
  if (g.mcp_server !== undefined) return { resourceType: 'mcp_server', resourceId: g.mcp_server };
  if (g.gateway_model_definition !== undefined) {
    return { resourceType: 'gateway_model_definition', resourceId: g.gateway_model_definition };
  }
  if (g.registered_model !== undefined) return { resourceType: 'registered_model', resourceId: g.registered_model };
  if (g.prompt !== undefined) return { resourceType: 'prompt', resourceId: g.prompt };
  if (g.experiment_name !== undefined) return { resourceType: 'experiment', experimentName: g.experiment_name };
  return { resourceType: 'experiment', resourceId: g.experiment ?? '' };
}

/** Parses and checks a permissions file; MLGATE_PERMISSIONS_FILE_INVALID lists every problem with its place. */
export function parsePermissionsFile(text: string, source: string): PermissionsFile {
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (error) {
    throw fileInvalid(source, [`not YAML: ${(error as Error).message}`]);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    throw fileInvalid(
      source,
      parsed.error.issues.map(
        (issue) => `${issue.path.length ? issue.path.join('.') : '(top level)'}: ${issue.message}`,
      ),
    );
  }
  const file: PermissionsFile = {
    groups: parsed.data.groups.map((g) => ({
      name: g.name,
      description: g.description,
      creatorPermission: g.creator_permission,
    })),
    grants: parsed.data.grants.map((g) => ({
      ...principalOf(g),
      ...grantResource(g),
      permission: g.permission,
    })),
    rules: parsed.data.rules.map((r) => ({
      ...principalOf(r),
      resourceType: r.type,
      pattern: r.pattern,
      priority: r.priority,
      permission: r.permission,
    })),
  };
  const duplicates = duplicatesOf(file);
  if (duplicates.length > 0) {
    throw fileInvalid(source, duplicates);
  }
  return file;
}

/** The same object declared twice (a group, a grant of one principal on one experiment, a rule's pattern). */
function duplicatesOf(file: PermissionsFile): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  const check = (key: string, where: string): void => {
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push(`${where}: declares the same ${key.split('\u0000')[0]} as ${first}`);
    } else {
      seen.set(key, where);
    }
  };
  file.groups.forEach((g, i) => check(['group', g.name].join('\u0000'), `groups.${i}`));
  file.grants.forEach((g, i) =>
    check(
      ['grant', g.resourceType, g.resourceId ?? '', g.experimentName ?? '', g.principalType, g.principal].join(
        '\u0000',
      ),
      `grants.${i}`,
    ),
  );
  file.rules.forEach((r, i) =>
    check(['rule', r.resourceType, r.principalType, r.principal, r.pattern].join('\u0000'), `rules.${i}`),
  );
  return problems;
}

/** MLGATE_PERMISSIONS_FILE_INVALID listing every problem. */
export function fileInvalid(source: string, problems: readonly string[]): MlgateError {
  return new MlgateError(
    'MLGATE_PERMISSIONS_FILE_INVALID',
    `${source} is not a valid permissions file:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    { details: { problems } },
  );
}
