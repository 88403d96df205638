/**
 * A creation proxied to MLflow whose answer is read to carry out the policy's obligations (the creator's grant,
 * their groups') on what MLflow says it created. Each creating route gives the reader of its answer
 * (create-experiment.ts, create-registry-entry.ts).
 *
 * The resource exists whatever happens after MLflow's answer, so a failure here does not turn the answer into an
 * error (MLflow clients would retry the create and get RESOURCE_ALREADY_EXISTS): it is logged with the command that
 * repairs it, and the response carries an X-Mlgate-Warning header.
 */
import type { CapturedResponse } from '../../proxy/upstream.js';
import type { ResourceType } from '../../store/types.js';
import { type CreationGrant, creationGrants, grantCreation } from '../obligations.js';
import { proxy } from './proxy.js';
import type { ForwardHandler } from './types.js';

export interface CreatedResource {
  readonly type: ResourceType;
  readonly id: string;
}

export interface CreationSpec {
  /** The resource in messages, e.g. "experiment" or "registered model or prompt". */
  readonly noun: string;
  /** What MLflow's successful answer says was created; undefined when the answer does not say. */
  readonly created: (body: Buffer) => CreatedResource | undefined;
  /**
   * Other grants a new resource must not inherit besides its own type's (grantCreation removes those): a new
   * registered model must not find grants left on its name as a prompt either.
   */
  readonly alsoClear?: (created: CreatedResource) => readonly CreatedResource[];
}

export function capturingCreation(spec: CreationSpec): ForwardHandler {
  return (deps, ctx) =>
    proxy(deps, ctx, async (response: CapturedResponse): Promise<CapturedResponse> => {
      const { principal, decision, logger } = ctx.state;
      if (response.status !== 200 || principal?.username == null) {
        return response;
      }
      const username = principal.username;
      const created = spec.created(response.body);
      let grants: CreationGrant[] = [];
      try {
        grants = creationGrants(decision?.obligations ?? [], username);
        if (grants.length === 0) {
          return response;
        }
        if (created === undefined) {
          throw new Error(`the answer of MLflow does not name the ${spec.noun} created`);
        }
        for (const other of spec.alsoClear?.(created) ?? []) {
          await deps.grants.removeAllForResource(other.type, other.id);
          deps.grantSource.forgetResource(other.type, other.id);
        }
        await grantCreation({ ...deps, logger }, grants, created);
        return response;
      } catch (error) {
        const repair =
          created === undefined
            ? `find the ${spec.noun} in MLflow and grant it`
            : grants
                .map(
                  (g) =>
                    `mlgate grant ${grantOption(created)} --${g.principalType} ${shellWord(g.principal)} ` +
                    `--permission ${g.permission}`,
                )
                .join(' && ') || 'grant it as the policy asks';
        logger.error('creator grant failed', {
          resource_type: created?.type ?? null,
          resource_id: created?.id ?? null,
          user: username,
          repair,
          error,
        });
        const warning = `the ${spec.noun} was created, but granting its creator failed; an administrator must run: ${repair}`;
        return { ...response, headers: { ...response.headers, 'x-mlgate-warning': warning } };
      }
    });
}

/** The option of `mlgate grant` naming the resource: --experiment 7, --registered-model 'churn', --prompt 'p'. */
function grantOption(created: CreatedResource): string {
  const flag = `--${created.type.replace(/_/g, '-')}`;
  return `${flag} ${shellWord(created.id)}`;
}

/** A word the shell reads back as itself (names may hold spaces and quotes). */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_.:@%+=,/-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
