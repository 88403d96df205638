/**
 * A deletion (h/gateway: DeleteGatewayEndpoint): proxied, and once MLflow confirms it, every grant on the deleted
 * resource (the request's targets, which for these routes are only the resource deleted) is removed, so a later
 * resource with the same id starts clean, as MLflow's own auth sweeps them (delete_*_permissions_cascade).
 * MLflow's answer is passed on whatever happens here: a failure is logged with the command that repairs it, and
 * the response carries an X-Mlgate-Warning header.
 */
import type { CapturedResponse } from '../../proxy/upstream.js';
import { proxy } from './proxy.js';
import type { ForwardDeps, ForwardHandler, GatewayContext } from './types.js';

export const sweepDeletedGrants: ForwardHandler = (deps, ctx) =>
  proxy(deps, ctx, (response) => afterDelete(deps, ctx, response));

async function afterDelete(
  deps: ForwardDeps,
  ctx: GatewayContext,
  response: CapturedResponse,
): Promise<CapturedResponse> {
  if (response.status !== 200) {
    return response;
  }
  const deleted = (ctx.state.targets ?? []).filter((target) => target.exists);
  const { logger } = ctx.state;
  const failed: string[] = [];
  for (const target of deleted) {
    try {
      const removed = await deps.grants.removeAllForResource(target.type, target.id);
      logger.info('grants of a deleted resource removed', { type: target.type, id: target.id, removed });
    } catch (error) {
      const repair = `mlgate grants --${target.type.replace(/_/g, '-')} ${target.id}, then mlgate revoke each`;
      logger.error('removing the grants of a deleted resource failed', {
        type: target.type,
        id: target.id,
        repair,
        error,
      });
      failed.push(`${target.type} ${target.id}`);
    } finally {
      deps.grantSource.forgetResource(target.type, target.id);
    }
  }
  if (failed.length === 0) {
    return response;
  }
  const warning = `deleted, but removing the grants on ${failed.join(', ')} failed; an administrator must revoke them`;
  return { ...response, headers: { ...response.headers, 'x-mlgate-warning': warning } };
}
