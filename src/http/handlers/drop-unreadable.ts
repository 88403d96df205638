/**
 * A search over several experiments (SearchRuns) whose decision obliges the gateway to drop the experiments the
 * caller may not read: the request goes to MLflow with only the readable ones (the JSON body re-written, the one
 * other exception to byte-for-byte replay), and with none left the gateway answers an empty result itself, since
 * MLflow would otherwise search nothing or everything. Without the obligation, the request is proxied as is.
 */
import { MlgateError } from '../../errors.js';
import { jsonName } from '../../mlflow/params.js';
import { buildPolicyInput } from '../../policy/input.js';
import { proxy } from './proxy.js';
import type { ForwardHandler } from './types.js';

/** The list field of the request that names the experiments. */
const FIELD = 'experiment_ids';

export const dropUnreadableTargets: ForwardHandler = async (deps, ctx) => {
  const { decision, params, principal, targets } = ctx.state;
  if (decision?.obligations.some((o) => o.type === 'drop-unreadable-targets') !== true) {
    return proxy(deps, ctx);
  }
  if (params?.source !== 'body' || principal === undefined || targets === undefined) {
    throw new MlgateError('MLGATE_INTERNAL', 'A search to narrow reached the forward stage without its request.');
  }
  const readable = deps.engine.visible(
    buildPolicyInput({
      principal,
      operation: ctx.state.route?.operation ?? null,
      targets,
      grants: ctx.state.grants ?? new Map(),
      method: ctx.method,
      path: ctx.state.path,
      now: ctx.state.now,
    }),
  );
  const field = Object.hasOwn(params.body, FIELD) ? FIELD : jsonName(FIELD);
  const requested = params.body[field];
  const kept = Array.isArray(requested) ? requested.filter((id) => typeof id === 'string' && readable.has(id)) : [];
  if (kept.length === 0) {
    ctx.status = 200;
    ctx.body = {};
    return;
  }
  if (Array.isArray(requested) && kept.length < requested.length) {
    ctx.state.body = Buffer.from(JSON.stringify({ ...params.body, [field]: kept }));
  }
  return proxy(deps, ctx);
};
