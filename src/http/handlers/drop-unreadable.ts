/**
 * A search over several experiments (SearchRuns, SearchLoggedModels, SearchTracesV3, SearchTraces, SearchDatasets)
 * whose decision obliges the gateway to drop the experiments the caller may not read: the request goes to MLflow
 * with only the readable ones (the JSON body re-written, the one other exception to byte-for-byte replay; or, for a
 * GET read from its query string, the unreadable `experiment_ids=` pairs cut out: narrow-query.ts), and with none
 * left the gateway answers an empty result itself, since MLflow would otherwise search nothing or everything.
 * Without the obligation, the request is proxied as is.
 */
import { MlgateError } from '../../errors.js';
import { narrowQuery } from '../../mlflow/narrow-query.js';
import { type RequestParams, jsonName, readMessage, readScalar } from '../../mlflow/params.js';
import type { TargetSpec } from '../../mlflow/route-spec.js';
import { proxy } from './proxy.js';
import type { ForwardHandler } from './types.js';

export const dropUnreadableTargets: ForwardHandler = async (deps, ctx) => {
  const { decision, params, route } = ctx.state;
  if (decision?.obligations.some((o) => o.type === 'drop-unreadable-targets') !== true) {
    return proxy(deps, ctx);
  }
  const list = route?.targets.find((t) => t.resource === 'experiment' && (t.shape ?? 'scalar') !== 'scalar');
  if (params === undefined || list === undefined) {
    throw new MlgateError('MLGATE_INTERNAL', 'A search to narrow reached the forward stage without its request.');
  }
  // What the decision already found: the experiments whose check (the level this operation needs) is satisfied.
  const allowed = new Set(decision.checks.filter((check) => check.satisfied).map((check) => check.id));
  if (params.source === 'query') {
    if (typeof list.shape === 'object') {
      throw new MlgateError('MLGATE_INTERNAL', 'A search naming objects cannot be narrowed in a query string.');
    }
    const query = narrowQuery(ctx.querystring, list.names[0] as string, allowed);
    if (query.kept.length === 0) {
      answerEmpty(ctx);
      return;
    }
    if (query.querystring !== undefined) {
      // MLflow reads the query string of the URL sent on: only the pairs kept.
      ctx.req.url = `${ctx.path}?${query.querystring}`;
    }
    return proxy(deps, ctx);
  }
  const narrowed = narrow(params, list, allowed);
  if (narrowed.kept === 0) {
    answerEmpty(ctx);
    return;
  }
  if (narrowed.body !== undefined) {
    ctx.state.body = Buffer.from(JSON.stringify(narrowed.body));
  }
  return proxy(deps, ctx);
};

/** Nothing readable is left to search: the gateway answers MLflow's empty result itself. */
function answerEmpty(ctx: Parameters<ForwardHandler>[1]): void {
  ctx.status = 200;
  ctx.body = {};
}

/**
 * The body with only the allowed experiments in the route's list target: a list of ids (`experiment_ids`), or a
 * list of objects holding one (`locations[].mlflow_experiment.experiment_id`; entries naming no experiment go too).
 * Entries are read with the same readers, aliases included, as the references were. `body` is undefined when
 * nothing was left out.
 */
function narrow(
  params: RequestParams & { source: 'body' },
  list: TargetSpec,
  allowed: ReadonlySet<string>,
): { readonly kept: number; readonly body?: Record<string, unknown> } {
  const shape = list.shape;
  const name = typeof shape === 'object' ? shape.each : (list.names[0] as string);
  const field = Object.hasOwn(params.body, name) ? name : jsonName(name);
  const requested = params.body[field];
  if (!Array.isArray(requested)) {
    return { kept: 0 };
  }
  const idOf = (entry: unknown): string | undefined => {
    if (typeof shape !== 'object') {
      return typeof entry === 'string' ? entry : undefined;
    }
    let message: RequestParams | undefined = { ...params, body: entry as Record<string, unknown> };
    for (const key of shape.within ?? []) {
      message = message === undefined ? undefined : readMessage(message, key);
    }
    return message === undefined ? undefined : readScalar(message, list.names);
  };
  const kept = requested.filter((entry) => {
    const id = idOf(entry);
    return id !== undefined && allowed.has(id);
  });
  return kept.length === requested.length
    ? { kept: kept.length }
    : { kept: kept.length, body: { ...params.body, [field]: kept } };
}
