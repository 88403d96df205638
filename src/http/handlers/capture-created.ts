/**
 * A creation of a resource of a permission type other than experiments (h/gateway: AI gateway endpoints, MCP
 * servers): proxied, and once MLflow created it, the creator (and their groups, as the policy obliges) is granted
 * on it, as MLflow's auth grants MANAGE to the creator. The resource exists whatever happens here: a failure is
 * logged with the command that repairs it, and the answer carries an X-Mlgate-Warning header.
 */
import type { CarrierType } from '../../mlflow/resources/kind.js';
import type { CapturedResponse } from '../../proxy/upstream.js';
import { type CreationGrant, creationGrants, grantCreation } from '../obligations.js';
import { proxy } from './proxy.js';
import type { ForwardDeps, ForwardHandler, GatewayContext } from './types.js';

export interface CreatedResource {
  readonly type: CarrierType;
  /** The new resource's id (as grants key it) in MLflow's answer. */
  readonly idIn: (answer: Record<string, unknown>) => unknown;
  /** The mlgate grant option naming it, for the repair command (e.g. `--mcp-server`). */
  readonly option: string;
}

export function captureCreated(resource: CreatedResource): ForwardHandler {
  return (deps, ctx) => proxy(deps, ctx, (response) => grantCreator(resource, deps, ctx, response));
}

async function grantCreator(
  resource: CreatedResource,
  deps: ForwardDeps,
  ctx: GatewayContext,
  response: CapturedResponse,
): Promise<CapturedResponse> {
  const { principal, decision, logger } = ctx.state;
  if (response.status !== 200 || principal?.username == null) {
    return response;
  }
  const id = createdId(resource, response.body);
  let grants: CreationGrant[] = [];
  try {
    grants = creationGrants(decision?.obligations ?? [], principal.username);
    if (grants.length === 0) {
      return response;
    }
    if (id === undefined) {
      throw new Error(`the answer of MLflow names no ${resource.type}`);
    }
    await grantCreation({ ...deps, logger }, grants, { type: resource.type, id });
    return response;
  } catch (error) {
    const repair =
      id === undefined
        ? `find the new ${resource.type} in MLflow and grant it`
        : grants
            .map(
              (g) =>
                `mlgate grant ${resource.option} ${id} --${g.principalType} ${g.principal} --permission ${g.permission}`,
            )
            .join(' && ') || 'grant it as the policy asks';
    logger.error('creator grant failed', {
      type: resource.type,
      id: id ?? null,
      user: principal.username,
      repair,
      error,
    });
    const warning = `the ${resource.type} was created, but granting its creator failed; an administrator must run: ${repair}`;
    return { ...response, headers: { ...response.headers, 'x-mlgate-warning': warning } };
  }
}

function createdId(resource: CreatedResource, body: Buffer): string | undefined {
  try {
    const answer: unknown = JSON.parse(body.toString('utf8'));
    const id =
      answer !== null && typeof answer === 'object' ? resource.idIn(answer as Record<string, unknown>) : undefined;
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
}
