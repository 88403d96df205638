/**
 * A search over several experiments (SearchRuns, SearchLoggedModels, SearchTracesV3) whose decision obliges the
 * gateway to drop the experiments the caller may not read: the request goes to MLflow with only the readable ones (the JSON body re-written, the one
 * other exception to byte-for-byte replay), and with none left the gateway answers an empty result itself, since
 * MLflow would otherwise search nothing or everything. Without the obligation, the request is proxied as is.
 */
import { MlgateError } from '../../errors.js';
import { jsonName } from '../../mlflow/params.js';
import { buildPolicyInput } from '../../policy/input.js';
import type { TargetSpec } from '../../mlflow/route-spec.js';
import { proxy } from './proxy.js';
import type { ForwardHandler } from './types.js';

export const dropUnreadableTargets: ForwardHandler = async (deps, ctx) => {
  const { decision, params, principal, targets, route } = ctx.state;
  if (decision?.obligations.some((o) => o.type === 'drop-unreadable-targets') !== true) {
    return proxy(deps, ctx);
  }
  const list = route?.targets.find((t) => t.resource === 'experiment' && (t.shape ?? 'scalar') !== 'scalar');
  if (params?.source !== 'body' || principal === undefined || targets === undefined || list === undefined) {
    throw new MlgateError('MLGATE_INTERNAL', 'A search to narrow reached the forward stage without its request.');
  }
  const readable = deps.engine.visible(
    buildPolicyInput({
      principal,
      operation: route?.operation ?? null,
      targets,
      grants: ctx.state.grants ?? new Map(),
      method: ctx.method,
      path: ctx.state.path,
      now: ctx.state.now,
    }),
  );
  const narrowed = narrow(params.body, list, readable);
  if (narrowed.kept === 0) {
    ctx.status = 200;
    ctx.body = {};
    return;
  }
  if (narrowed.body !== undefined) {
    ctx.state.body = Buffer.from(JSON.stringify(narrowed.body));
  }
  return proxy(deps, ctx);
};

/**
 * The body with only the readable experiments in the route's list target: a list of ids (`experiment_ids`), or a
 * list of objects holding one (`locations[].mlflow_experiment.experiment_id`; entries naming no experiment go too).
 * `body` is undefined when nothing was left out.
 */
function narrow(
  body: Readonly<Record<string, unknown>>,
  list: TargetSpec,
  readable: ReadonlySet<string>,
): { readonly kept: number; readonly body?: Record<string, unknown> } {
  const shape = list.shape;
  const name = typeof shape === 'object' ? shape.each : (list.names[0] as string);
  const field = Object.hasOwn(body, name) ? name : jsonName(name);
  const requested = body[field];
  if (!Array.isArray(requested)) {
    return { kept: 0 };
  }
  const idOf = (entry: unknown): unknown => {
    if (typeof shape !== 'object') {
      return entry;
    }
    let node = entry;
    for (const key of [...(shape.within ?? []), list.names[0] as string]) {
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
    return node;
  };
  const kept = requested.filter((entry) => {
    const id = idOf(entry);
    return typeof id === 'string' && readable.has(id);
  });
  return kept.length === requested.length
    ? { kept: kept.length }
    : { kept: kept.length, body: { ...body, [field]: kept } };
}
