/**
 * SearchExperiments: the gateway runs the search itself, page by page, and returns only the rows the caller may
 * read, with pagination kept correct (filtered-search.ts).
 */
import { MlgateError } from '../../errors.js';
import { filteredSearch } from '../../mlflow/filtered-search.js';
import { type RequestParams, readInteger, readList, readString, readStringOrInteger } from '../../mlflow/params.js';
import { buildPolicyInput } from '../../policy/input.js';
import type { ForwardHandler } from './types.js';

/** MLflow's default page size of SearchExperiments. */
const DEFAULT_MAX_RESULTS = 1000;

export const searchExperiments: ForwardHandler = async (deps, ctx) => {
  const { params, principal } = ctx.state;
  if (params === undefined || principal === undefined || principal.username === null) {
    throw new MlgateError(
      'MLGATE_INTERNAL',
      'A filtered search reached the forward stage without parameters or principal.',
    );
  }
  const username = principal.username;
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
    searchRequest(params),
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
    ...(result.nextPageToken === undefined ? {} : { next_page_token: result.nextPageToken }),
  };
};

/** The SearchExperiments fields, read as MLflow reads them, to be sent on with the gateway's own paging. */
function searchRequest(params: RequestParams): {
  passThrough: Record<string, unknown>;
  maxResults: number;
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
  return {
    passThrough,
    maxResults: readInteger(params, 'max_results') ?? DEFAULT_MAX_RESULTS,
    pageToken: readString(params, 'page_token'),
  };
}
