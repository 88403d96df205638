/**
 * Ownership of registered models and prompts (h/registry), carried out once MLflow has answered 200:
 *  - CreateRegisteredModel: the creator (and their groups, as the policy obliges) get their grants on the entry,
 *    in the permission type MLflow's answer says it is; a new entry finds no grant left on its name, of either type.
 *  - DeleteRegisteredModel: the grants on the name are removed, of both types, so a later entry of that name starts
 *    clean.
 *  - RenameRegisteredModel: the grants move to the new name, of both types (the prompt tag can move an entry from
 *    one type to the other, so grants of either type on the name were about this entry).
 * Names are the ones MLflow keeps: the resolved target of the request (its `name`) and the name MLflow answers.
 *
 * MLflow has done the change whatever happens here, so a failure does not turn the answer into an error: it is
 * logged with the commands that repair it, and the response carries an X-Mlgate-Warning header.
 */
import type { CapturedResponse } from '../../proxy/upstream.js';
import { readString } from '../../mlflow/params.js';
import { registryEntry, registryType } from '../../mlflow/registry/prompt-tag.js';
import type { ResourceType } from '../../store/types.js';
import { withRetries } from '../obligations.js';
import { type CreatedResource, capturingCreation } from './capture-created.js';
import { proxy } from './proxy.js';
import type { ForwardDeps, ForwardHandler, GatewayContext } from './types.js';

const REGISTRY_TYPES: readonly ResourceType[] = ['registered_model', 'prompt'];

const captureRegistryCreation = capturingCreation({
  noun: 'registered model or prompt',
  created: (body) => {
    const entry = answeredEntry(body);
    return entry === undefined ? undefined : { type: registryType(entry.isPrompt), id: entry.name };
  },
  alsoClear: (created: CreatedResource) =>
    REGISTRY_TYPES.filter((type) => type !== created.type).map((type) => ({ type, id: created.id })),
});

/** The name MLflow created may have been known as missing or as the other type a moment ago: forgotten first. */
export const createRegistryEntry: ForwardHandler = async (deps, ctx) => {
  const name = ctx.state.params === undefined ? undefined : readString(ctx.state.params, 'name');
  try {
    await captureRegistryCreation(deps, ctx);
  } finally {
    if (name !== undefined) deps.resolver?.forget?.('registered_model_name', name);
  }
};

export const sweepDeletedRegistryEntry: ForwardHandler = (deps, ctx) =>
  proxy(deps, ctx, (response) =>
    afterSuccess(deps, ctx, response, 'deleted', (name) => ({
      run: async () => {
        for (const type of REGISTRY_TYPES) {
          await deps.grants.removeAllForResource(type, name);
        }
      },
      forget: REGISTRY_TYPES.map((type) => ({ type, id: name })),
      repair: 'mlgate grants (and mlgate revoke) for both types of ' + JSON.stringify(name),
    })),
  );

export const moveRenamedRegistryEntry: ForwardHandler = (deps, ctx) =>
  proxy(deps, ctx, (response) =>
    afterSuccess(deps, ctx, response, 'renamed', (name) => {
      const to = answeredEntry(response.body)?.name;
      if (to === undefined) {
        return undefined;
      }
      return {
        run: async () => {
          for (const type of REGISTRY_TYPES) {
            await deps.grants.moveResource(type, name, to);
          }
        },
        forget: REGISTRY_TYPES.flatMap((type) => [
          { type, id: name },
          { type, id: to },
        ]),
        repair: `move the grants of ${JSON.stringify(name)} to ${JSON.stringify(to)} (mlgate grants, grant, revoke)`,
      };
    }),
  );

interface GrantChange {
  readonly run: () => Promise<void>;
  /** Cached grants to drop afterwards. */
  readonly forget: readonly CreatedResource[];
  /** What an administrator must do when the change failed. */
  readonly repair: string;
}

async function afterSuccess(
  deps: ForwardDeps,
  ctx: GatewayContext,
  response: CapturedResponse,
  what: string,
  change: (name: string) => GrantChange | undefined,
): Promise<CapturedResponse> {
  if (response.status !== 200) {
    return response;
  }
  const { logger } = ctx.state;
  // The entry the request named, as MLflow keeps its name (resolve-targets).
  const name = ctx.state.targets?.find((t) => t.via === 'registered_model_name' && t.exists)?.id;
  const planned = name === undefined ? undefined : change(name);
  if (name === undefined || planned === undefined) {
    logger.error(`registry grants not updated`, { what, name: name ?? null });
    return warn(
      response,
      `the registered model or prompt was ${what}, but the gateway could not tell which; an administrator must check its grants`,
    );
  }
  try {
    await withRetries(planned.run);
    logger.info(`registry grants ${what === 'deleted' ? 'removed' : 'moved'}`, { name });
    return response;
  } catch (error) {
    logger.error('registry grants not updated', { what, name, repair: planned.repair, error });
    return warn(
      response,
      `the registered model or prompt was ${what}, but updating its grants failed; an administrator must ${planned.repair}`,
    );
  } finally {
    for (const resource of planned.forget) {
      deps.grantSource.forgetResource(resource.type, resource.id);
      deps.resolver?.forget?.('registered_model_name', resource.id);
    }
    const named = ctx.state.targets?.find((t) => t.via === 'registered_model_name')?.ref;
    if (named !== undefined) deps.resolver?.forget?.('registered_model_name', named);
  }
}

function warn(response: CapturedResponse, warning: string): CapturedResponse {
  return { ...response, headers: { ...response.headers, 'x-mlgate-warning': warning } };
}

/** The registered model of MLflow's answer (CreateRegisteredModel, RenameRegisteredModel). */
function answeredEntry(body: Buffer): ReturnType<typeof registryEntry> {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    const model =
      value !== null && typeof value === 'object' ? (value as Record<string, unknown>)['registered_model'] : undefined;
    return model !== null && typeof model === 'object' && !Array.isArray(model)
      ? registryEntry(model as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
