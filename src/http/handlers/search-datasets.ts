/**
 * SearchEvaluationDatasets (the client's search_datasets, and get_dataset by name): the gateway runs the search
 * itself, page by page, and returns only the datasets the caller may read, with pagination kept correct and page
 * tokens that reveal nothing of hidden rows (filtered-search.ts, page-token.ts), as for experiments.
 *
 * A dataset carries the permissions of every experiment it is linked to, so a search over readable experiments
 * can find a dataset also linked to an unreadable one: each row's links are looked up (they change at any time,
 * so never cached) and the policy's `visible_resources` decides the row, readable only when every linked
 * experiment is. A dataset linked to none is shown to no one but an administrator, as GetDataset treats it.
 *
 * The experiments the request names were decided first, as for SearchRuns: the unreadable ones are left out (the
 * policy's drop-unreadable-targets obligation; refused instead when so configured), and when none is left the
 * gateway answers the empty result itself. No experiment named searches them all, filtered. An administrator's
 * request (the decision's "admin" grounds) is proxied as is.
 */
import { MlgateError } from '../../errors.js';
import { checkedMaxResults } from '../../mlflow/filtered-search.js';
import type { SearchBinding } from '../../mlflow/page-token.js';
import { type RequestParams, readInteger, readList, readString } from '../../mlflow/params.js';
import { LOOKUP_CONCURRENCY } from '../../mlflow/resolve.js';
import type { Decision } from '../../policy/decision.js';
import type { ResolvedTarget } from '../../policy/input.js';
import { mapLimited } from '../../util/concurrency.js';
import { proxy } from './proxy.js';
import { rowsPolicyInput, runFilteredSearch } from './search-answer.js';
import type { ForwardDeps, ForwardHandler, GatewayContext } from './types.js';

/** MLflow's page size when max_results is absent or 0 (the store's default), and its largest (SEARCH_MAX_RESULTS_THRESHOLD). */
const DEFAULT_MAX_RESULTS = 1000;
const MLFLOW_MAX_RESULTS = 50_000;
const OPERATION = 'SearchEvaluationDatasets';
/** Fewest rows decided at once (look-ups at most LOOKUP_CONCURRENCY at a time). */
const MIN_CHUNK = 50;
/**
 * Most datasets one request looks up (one MLflow request each): without it a caller's one search over many datasets
 * they cannot read made the gateway send MLflow one request per dataset, up to search_max_pages pages of up to
 * 50 000 rows. Past it the caller gets what was found and a page token to go on with (filtered-search.ts).
 */
export const DATASET_ROWS_CHECKED = 2000;

export const searchEvaluationDatasets: ForwardHandler = async (deps, ctx) => {
  const { params, principal, policy, decision } = ctx.state;
  if (
    params === undefined ||
    principal === undefined ||
    principal.username === null ||
    policy === undefined ||
    decision === undefined
  ) {
    throw new MlgateError(
      'MLGATE_INTERNAL',
      'A filtered search reached the forward stage without parameters, principal, policy or decision.',
    );
  }
  if (decision.reasons.includes('admin')) {
    return proxy(deps, ctx);
  }
  const experimentIds = searchedExperiments(params, decision);
  if (experimentIds === undefined) {
    ctx.status = 200;
    ctx.body = {};
    return;
  }
  const request = searchRequest(params, principal.username, experimentIds);
  await runFilteredSearch(deps, ctx, {
    ...request,
    // Each row costs a look-up: rows are decided a chunk at a time, and no further than the page needs.
    chunkSize: Math.max(request.binding.maxResults + 1, MIN_CHUNK),
    fetchPage: (page) => deps.client.searchEvaluationDatasets(page),
    rowsField: 'datasets',
    idOf: (row) => (typeof row['dataset_id'] === 'string' && row['dataset_id'] !== '' ? row['dataset_id'] : undefined),
    visible: (ids) => readableDatasets(deps, ctx, ids),
    pageLimit: MLFLOW_MAX_RESULTS,
    maxRowsChecked: DATASET_ROWS_CHECKED,
  });
};

/**
 * The experiments to search: those named, less the ones the decision obliges the gateway to leave out; [] when
 * none was named (all of them); undefined when some were named and none is left (nothing to search).
 */
export function searchedExperiments(params: RequestParams, decision: Decision): string[] | undefined {
  const named = [...new Set(readList(params, 'experiment_ids'))];
  if (!decision.obligations.some((o) => o.type === 'drop-unreadable-targets')) {
    return named;
  }
  const allowed = new Set(decision.checks.filter((check) => check.satisfied).map((check) => check.id));
  const kept = named.filter((id) => allowed.has(id));
  return named.length > 0 && kept.length === 0 ? undefined : kept;
}

/** The datasets among `ids` the caller may read: each one's linked experiments, decided by the policy. */
async function readableDatasets(deps: ForwardDeps, ctx: GatewayContext, ids: readonly string[]): Promise<Set<string>> {
  const { principal, policy } = ctx.state;
  if (principal === undefined || principal.username === null || policy === undefined || ids.length === 0) {
    return new Set();
  }
  const unique = [...new Set(ids)];
  const links = await mapLimited(unique, LOOKUP_CONCURRENCY, (id) => deps.client.datasetExperimentIds(id));
  const targets: ResolvedTarget[] = unique.flatMap((dataset, i): ResolvedTarget[] => {
    const experiments = [...new Set(links[i] ?? [])];
    // Linked to nothing (or gone meanwhile): a target that does not exist, which only an administrator may read.
    return experiments.length === 0
      ? [{ type: 'experiment', id: dataset, via: 'dataset', ref: dataset, exists: false }]
      : experiments.map((id) => ({ type: 'experiment', id, via: 'dataset', ref: dataset, exists: true }));
  });
  const username = principal.username;
  return policy.visibleResources(await rowsPolicyInput(deps, ctx, { ...principal, username }, 'experiment', targets));
}

/** The search's fields, read as MLflow reads them (see search-experiments.ts). */
function searchRequest(
  params: RequestParams,
  username: string,
  experimentIds: readonly string[],
): { passThrough: Record<string, unknown>; binding: SearchBinding; pageToken: string | undefined } {
  const passThrough: Record<string, unknown> = {};
  if (experimentIds.length > 0) passThrough['experiment_ids'] = experimentIds;
  // MLflow reads an empty filter_string as none.
  const filter = readString(params, 'filter_string') || undefined;
  if (filter !== undefined) passThrough['filter_string'] = filter;
  const orderBy = readList(params, 'order_by');
  if (orderBy.length > 0) passThrough['order_by'] = orderBy;
  // MLflow reads max_results 0 as absent.
  const maxResults = checkedMaxResults(readInteger(params, 'max_results') || DEFAULT_MAX_RESULTS, MLFLOW_MAX_RESULTS);
  return {
    passThrough,
    binding: {
      username,
      filter: filter ?? null,
      orderBy,
      viewType: null,
      maxResults,
      search: OPERATION,
      experimentIds,
    },
    pageToken: readString(params, 'page_token'),
  };
}
