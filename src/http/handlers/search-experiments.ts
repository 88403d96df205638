/**
 * SearchExperiments: the gateway runs the search itself, page by page, and returns only the rows the caller may
 * read, with pagination kept correct and page tokens that reveal nothing of hidden rows (filtered-search.ts,
 * page-token.ts).
 */
import { MlgateError } from '../../errors.js';
import { checkedMaxResults } from '../../mlflow/filtered-search.js';
import type { SearchBinding } from '../../mlflow/page-token.js';
import { type RequestParams, readInteger, readList, readString, readStringOrInteger } from '../../mlflow/params.js';
import type { ResolvedTarget } from '../../policy/input.js';
import { rowsPolicyInput, runFilteredSearch } from './search-answer.js';
import type { ForwardHandler } from './types.js';

/** MLflow's default page size of SearchExperiments. */
const DEFAULT_MAX_RESULTS = 1000;
/** MLflow's largest max_results of SearchExperiments (SEARCH_MAX_RESULTS_THRESHOLD). */
const MLFLOW_MAX_RESULTS = 50_000;

export const searchExperiments: ForwardHandler = async (deps, ctx) => {
  const { params, principal, policy } = ctx.state;
  if (params === undefined || principal === undefined || principal.username === null || policy === undefined) {
    throw new MlgateError(
      'MLGATE_INTERNAL',
      'A filtered search reached the forward stage without parameters, principal or policy.',
    );
  }
  const username = principal.username;
  const search = searchRequest(params, username);
  await runFilteredSearch(deps, ctx, {
    ...search,
    pageLimit: MLFLOW_MAX_RESULTS,
    fetchPage: async (request) => {
      const answer = await deps.client.searchExperiments(request);
      // The rows carry their names: remembered for regex rules, so that no look-up is needed.
      const rows = (answer.body as { experiments?: unknown } | undefined)?.experiments;
      if (deps.names !== undefined && Array.isArray(rows)) {
        for (const row of rows as Record<string, unknown>[]) {
          if (typeof row?.['experiment_id'] === 'string' && typeof row['name'] === 'string') {
            deps.names.remember(row['experiment_id'], row['name']);
          }
        }
      }
      return answer;
    },
    rowsField: 'experiments',
    idOf: (row) => (typeof row['experiment_id'] === 'string' ? row['experiment_id'] : undefined),
    visible: async (ids) => {
      const targets: ResolvedTarget[] = ids.map((id) => ({
        type: 'experiment',
        id,
        via: 'experiment',
        ref: id,
        exists: true,
      }));
      return policy.visible(await rowsPolicyInput(deps, ctx, { ...principal, username }, 'experiment', targets));
    },
  });
};

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
  const maxResults = checkedMaxResults(readInteger(params, 'max_results') ?? DEFAULT_MAX_RESULTS, MLFLOW_MAX_RESULTS);
  return {
    passThrough,
    binding: { username, filter: filter ?? null, orderBy, viewType: viewType ?? null, maxResults },
    pageToken: readString(params, 'page_token'),
  };
}
