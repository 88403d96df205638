/** CreateExperiment: proxied, and its answer read to grant the creator what the policy obliges. */
import type { CapturedResponse } from '../../proxy/upstream.js';
import { type CreationGrant, creationGrants, grantCreation } from '../obligations.js';
import { proxy } from './proxy.js';
import type { ForwardDeps, ForwardHandler, GatewayContext } from './types.js';

export const createExperiment: ForwardHandler = (deps, ctx) =>
  proxy(deps, ctx, (response) => afterCreate(deps, ctx, response));

/**
 * After MLflow created an experiment: carry out the policy's obligations (the creator's grant, their groups'). The experiment
 * exists whatever happens here, so a failure does not turn the answer into an error (MLflow clients would retry
 * the create and get RESOURCE_ALREADY_EXISTS): it is logged with the command that repairs it, and the response
 * carries an X-Mlgate-Warning header.
 */
async function afterCreate(
  deps: ForwardDeps,
  ctx: GatewayContext,
  response: CapturedResponse,
): Promise<CapturedResponse> {
  const { principal, decision, logger } = ctx.state;
  if (response.status !== 200 || principal?.username == null) {
    return response;
  }
  const username = principal.username;
  const experimentId = createdExperimentId(response.body);
  let grants: CreationGrant[] = [];
  try {
    grants = creationGrants(decision?.obligations ?? [], username);
    if (grants.length === 0) {
      return response;
    }
    if (experimentId === undefined) {
      throw new Error('the answer of MLflow has no experiment_id');
    }
    await grantCreation({ ...deps, logger }, grants, { type: 'experiment', id: experimentId });
    return response;
  } catch (error) {
    const repair =
      experimentId === undefined
        ? 'find the experiment id in MLflow and grant it'
        : grants
            .map(
              (g) =>
                `mlgate grant --experiment ${experimentId} --${g.principalType} ${g.principal} --permission ${g.permission}`,
            )
            .join(' && ') || 'grant it as the policy asks';
    logger.error('creator grant failed', { experiment_id: experimentId ?? null, user: username, repair, error });
    const warning = `the experiment was created, but granting its creator failed; an administrator must run: ${repair}`;
    return { ...response, headers: { ...response.headers, 'x-mlgate-warning': warning } };
  }
}

function createdExperimentId(body: Buffer): string | undefined {
  try {
    const id = (JSON.parse(body.toString('utf8')) as Record<string, unknown>)['experiment_id'];
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
}
