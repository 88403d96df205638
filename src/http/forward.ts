/**
 * The last stage: the allowed request goes to MLflow. Most requests are
 * streamed through; a created experiment's response is read to grant its
 * creator; a search of experiments is run by the gateway and filtered.
 */
import type { Context, Middleware } from 'koa';

import { MlgateError } from '../errors.js';
import type { MlflowClient } from '../mlflow/client.js';
import { filteredSearch, upstreamPageSize } from '../mlflow/filtered-search.js';
import type { PageTokens, SearchBinding } from '../mlflow/page-token.js';
import { type RequestParams, readInteger, readList, readString, readStringOrInteger } from '../mlflow/params.js';
import type { DecisionEngine } from '../policy/engine.js';
import { buildPolicyInput } from '../policy/input.js';
import type { CapturedResponse, Upstream } from '../proxy/upstream.js';
import { type ObligationDeps, grantCreator } from './obligations.js';
import type { GatewayState } from './state.js';

export interface ForwardDeps extends ObligationDeps {
  readonly upstream: Upstream;
  readonly client: MlflowClient;
  readonly engine: DecisionEngine;
  readonly searchMaxPages: number;
  /** Seals and opens the page tokens of filtered searches. */
  readonly pageTokens: PageTokens;
}

/** MLflow's default page size of SearchExperiments. */
const DEFAULT_MAX_RESULTS = 1000;
/** MLflow's largest max_results of SearchExperiments (SEARCH_MAX_RESULTS_THRESHOLD). */
const MLFLOW_MAX_RESULTS = 50_000;

export function forwardStage(deps: ForwardDeps): Middleware<GatewayState> {
  return async (ctx) => {
    switch (ctx.state.route?.handling) {
      case 'filter-experiments':
        return searchExperiments(deps, ctx);
      case 'capture-created-experiment':
        return proxy(deps, ctx, (response) => afterCreate(deps, ctx, response));
      default:
        return proxy(deps, ctx);
    }
  };
}

async function proxy(
  deps: ForwardDeps,
  ctx: Context & { state: GatewayState },
  onResponse?: (response: CapturedResponse) => Promise<CapturedResponse>,
): Promise<void> {
  ctx.respond = false;
  try {
    await deps.upstream.forward(ctx.req, ctx.res, {
      requestId: ctx.state.requestId,
      ...(ctx.state.body === undefined ? {} : { body: ctx.state.body }),
      ...(onResponse === undefined ? {} : { onResponse }),
    });
  } catch (error) {
    ctx.respond = true;
    throw error;
  }
}

/**
 * After MLflow created an experiment: carry out the policy's obligations (the creator's grant). The experiment
 * exists whatever happens here, so a failure does not turn the answer into an error (MLflow clients would retry
 * the create and get RESOURCE_ALREADY_EXISTS): it is logged with the command that repairs it, and the response
 * carries an X-Mlgate-Warning header.
 */
async function afterCreate(
  deps: ForwardDeps,
  ctx: Context & { state: GatewayState },
  response: CapturedResponse,
): Promise<CapturedResponse> {
  const { principal, decision, logger } = ctx.state;
  if (
    response.status !== 200 ||
    principal?.username == null ||
    decision === undefined ||
    decision.obligations.length === 0
  ) {
    return response;
  }
  const username = principal.username;
  const experimentId = createdExperimentId(response.body);
  try {
    if (experimentId === undefined) {
      throw new Error('the answer of MLflow has no experiment_id');
    }
    await grantCreator({ ...deps, logger }, decision.obligations, { type: 'experiment', id: experimentId }, username);
    return response;
  } catch (error) {
    const permissions = decision.obligations.map((o) => o.permission).join(', ');
    const repair =
      experimentId === undefined
        ? 'find the experiment id in MLflow and grant it'
        : `mlgate grant --experiment ${experimentId} --user ${username} --permission ${permissions}`;
    logger.error('creator grant failed', { experiment_id: experimentId ?? null, user: username, repair, error });
    const warning = `the experiment was created, but granting its creator ${permissions} failed; an administrator must run: ${repair}`;
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

async function searchExperiments(deps: ForwardDeps, ctx: Context & { state: GatewayState }): Promise<void> {
  const { params, principal } = ctx.state;
  if (params === undefined || principal === undefined || principal.username === null) {
    throw new MlgateError(
      'MLGATE_INTERNAL',
      'A filtered search reached the forward stage without parameters or principal.',
    );
  }
  const username = principal.username;
  const search = searchRequest(params, username);
  const start = deps.pageTokens.resume(search.pageToken, search.binding, ctx.state.now);
  const result = await filteredSearch(
    {
      fetchPage: (request) => deps.client.searchExperiments(request),
      rowsField: 'experiments',
      idOf: (row) => (typeof row['experiment_id'] === 'string' ? row['experiment_id'] : undefined),
      visible: async (ids) => {
        const grants = await deps.grantSource.forPrincipal('experiment', ids, username, principal.groups);
        return deps.engine.visible(
          buildPolicyInput({
            principal,
            operation: ctx.state.route?.operation ?? null,
            targets: ids.map((id) => ({ type: 'experiment', id, via: 'experiment', ref: id, exists: true })),
            grants,
            method: ctx.method,
            path: ctx.state.path,
            now: ctx.state.now,
          }),
        );
      },
      maxPages: deps.searchMaxPages,
      invalid: () => new MlgateError('MLGATE_UPSTREAM_INVALID_RESPONSE'),
    },
    {
      passThrough: search.passThrough,
      maxResults: search.binding.maxResults,
      pageSize: upstreamPageSize(search.binding.maxResults, MLFLOW_MAX_RESULTS),
      start,
    },
  );
  if (result.kind === 'upstream-error') {
    ctx.status = result.answer.status;
    ctx.type = result.answer.contentType ?? 'application/json';
    ctx.body = result.answer.raw;
    return;
  }
  ctx.status = 200;
  ctx.body = {
    ...(result.rows.length === 0 ? {} : { experiments: result.rows }),
    ...(result.next === undefined
      ? {}
      : { next_page_token: deps.pageTokens.issue(result.next, search.binding, ctx.state.now) }),
  };
}

/**
 * The SearchExperiments fields, read as MLflow reads them: what is sent on to MLflow with the gateway's own
 * paging, and what a page token is bound to (the same search by the same caller).
 */
function searchRequest(
  params: RequestParams,
  username: string,
): {
  passThrough: Record<string, unknown>;
  binding: SearchBinding;
  pageToken: string | undefined;
} {
  const passThrough: Record<string, unknown> = {};
  const filter = readString(params, 'filter');
  if (filter !== undefined) passThrough['filter'] = filter;
  // An enum: its name ("ACTIVE_ONLY") or its number (1), as protobuf JSON allows.
  const viewType = readStringOrInteger(params, 'view_type');
  if (viewType !== undefined) passThrough['view_type'] = viewType;
  const orderBy = readList(params, 'order_by');
  if (orderBy.length > 0) passThrough['order_by'] = orderBy;
  // MLflow no longer sees the caller's max_results (the gateway reads its own page size), so check it as MLflow does.
  const maxResults = readInteger(params, 'max_results') ?? DEFAULT_MAX_RESULTS;
  if (maxResults < 1 || maxResults > MLFLOW_MAX_RESULTS) {
    throw new MlgateError(
      'MLGATE_REQUEST_INVALID',
      `Invalid value ${maxResults} for parameter 'max_results': it must be between 1 and ${MLFLOW_MAX_RESULTS}.`,
    );
  }
  return {
    passThrough,
    binding: { username, filter: filter ?? null, orderBy, viewType: viewType ?? null, maxResults },
    pageToken: readString(params, 'page_token'),
  };
}
