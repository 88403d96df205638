/**
 * A search whose results are filtered to what the caller may read, with
 * pagination kept correct: the gateway reads MLflow's pages in order and keeps
 * readable rows until the caller's page is full.
 *
 * Nothing the caller gets may depend on rows they cannot read, or a filter
 * becomes an oracle (`tags.secret LIKE 'b%'`: is there a next page?). So the
 * search looks ahead: a next page position is returned only when one more
 * readable row was found, and it points at that row. MLflow is read in pages
 * of a size that does not follow the caller's max_results, so how many pages
 * are read does not change with a few hidden rows either.
 *
 * One thing cannot be hidden with a bounded amount of work: when the page
 * budget runs out before the search knows whether another readable row
 * follows. The search then returns what it found and a position after the
 * last page it read, so the caller can continue (refusing, or ending the
 * search there, would show the same thing and lose readable rows). That tells
 * the caller that `pageSize × maxPages` rows lay in the range just read: a
 * threshold of at least 20 000 rows by default, which a caller can raise with
 * a larger max_results but not lower. A search that looks each row up in
 * MLflow to decide it (evaluation datasets) has a row budget as well
 * (maxRowsChecked), which ends a search the same way, after a fixed number of
 * rows the caller cannot lower.
 */
import { MlgateError } from '../errors.js';
import type { UpstreamAnswer } from './client.js';
import type { PagePosition } from './page-token.js';

export interface FilteredSearchRequest {
  /** Request fields passed to MLflow unchanged (filter, order_by, view_type, ...). */
  readonly passThrough: Readonly<Record<string, unknown>>;
  /** Rows the caller asked for (at least 1). */
  readonly maxResults: number;
  /** Rows per MLflow page (see upstreamPageSize); the same for every page of one search. */
  readonly pageSize: number;
  readonly start: PagePosition;
}

export type FilteredSearchResult =
  /** `next`: where the next page starts, present only when a further readable row exists (or the budget ran out). */
  | { readonly kind: 'page'; readonly rows: unknown[]; readonly next: PagePosition | undefined }
  /** MLflow refused the request (e.g. a bad filter): relay its answer. */
  | { readonly kind: 'upstream-error'; readonly answer: UpstreamAnswer };

export interface FilteredSearchDeps {
  /** One page from MLflow. */
  readonly fetchPage: (request: Readonly<Record<string, unknown>>) => Promise<UpstreamAnswer>;
  /** Field of the response holding the rows (e.g. "experiments"). */
  readonly rowsField: string;
  /** Id of a row. */
  readonly idOf: (row: Record<string, unknown>) => string | undefined;
  /** Ids of the rows the caller may read. */
  readonly visible: (ids: readonly string[]) => Promise<Set<string>>;
  /**
   * Rows asked about at once, in page order, when deciding a row costs a look-up each (evaluation datasets): the
   * rest of a page is not decided once the caller's page and its look-ahead row are found. Absent: a whole page
   * at once. (The decided rows then depend on where the readable ones are, as the look-ups' time already does on
   * every matching row: see docs/operations.md.)
   */
  readonly chunkSize?: number;
  readonly maxPages: number;
  /**
   * Most rows one search hands to `visible`, when deciding a row costs a look-up of its own in MLflow (evaluation
   * datasets): spent like the page budget, the search then returns what it found and the position of the first row
   * it did not decide. Absent: only the page budget applies.
   */
  readonly maxRowsChecked?: number;
  /** Called when MLflow answers 200 with a body the gateway cannot read. */
  readonly invalid: (answer: UpstreamAnswer) => Error;
}

/** Smallest MLflow page a filtered search reads (MLflow's own default page size). */
export const MIN_UPSTREAM_PAGE_SIZE = 1000;

/**
 * Rows per MLflow page for a caller's max_results: at least MIN_UPSTREAM_PAGE_SIZE, so a small max_results
 * neither makes a page-by-page probe of hidden rows (one MLflow request per hidden row would show in the
 * response time) nor lowers the budget threshold; one more than max_results above that, so a full page and its
 * look-ahead row usually take one MLflow request; never above `limit` (MLflow's largest page).
 */
export function upstreamPageSize(maxResults: number, limit: number): number {
  return Math.min(Math.max(maxResults + 1, MIN_UPSTREAM_PAGE_SIZE), limit);
}

/**
 * The caller's max_results, checked as MLflow checks it: MLflow no longer sees it (the gateway reads its own page
 * size), so a value MLflow would refuse is refused here (400).
 */
export function checkedMaxResults(maxResults: number, limit: number): number {
  if (maxResults < 1 || maxResults > limit) {
    throw new MlgateError(
      'MLGATE_REQUEST_INVALID',
      `Invalid value ${maxResults} for parameter 'max_results': it must be between 1 and ${limit}.`,
    );
  }
  return maxResults;
}

export async function filteredSearch(
  deps: FilteredSearchDeps,
  request: FilteredSearchRequest,
): Promise<FilteredSearchResult> {
  let position = request.start;
  const rows: unknown[] = [];
  let checked = 0;
  for (let page = 0; page < deps.maxPages; page++) {
    if (checked >= (deps.maxRowsChecked ?? Infinity)) {
      return { kind: 'page', rows, next: position };
    }
    const answer = await deps.fetchPage({
      ...request.passThrough,
      max_results: request.pageSize,
      ...(position.upstream === null ? {} : { page_token: position.upstream }),
    });
    if (answer.status !== 200) {
      return { kind: 'upstream-error', answer };
    }
    const body = answer.body as Record<string, unknown> | undefined;
    const pageRows = body?.[deps.rowsField] ?? [];
    const next = body?.['next_page_token'] ?? '';
    if (!Array.isArray(pageRows) || typeof next !== 'string') {
      throw deps.invalid(answer);
    }
    const ids = pageRows.map((row) => (isObject(row) ? deps.idOf(row) : undefined));
    if (ids.some((id) => id === undefined)) {
      throw deps.invalid(answer);
    }
    // Rows past the row budget are not decided now: the search stops at the first of them.
    const end = Math.min(pageRows.length, position.skip + Math.max(0, (deps.maxRowsChecked ?? Infinity) - checked));
    const chunk = Math.max(deps.chunkSize ?? end - position.skip, 1);
    const allowed = new Set<string>();
    let decided = position.skip;
    for (let i = position.skip; i < end; i++) {
      if (i >= decided) {
        const next = (ids as string[]).slice(i, Math.min(i + chunk, end));
        for (const id of await deps.visible(next)) allowed.add(id);
        checked += next.length;
        decided = i + next.length;
      }
      if (!allowed.has(ids[i] as string)) {
        continue;
      }
      if (rows.length === request.maxResults) {
        // One more readable row: the next page starts with it.
        return { kind: 'page', rows, next: { upstream: position.upstream, skip: i } };
      }
      rows.push(pageRows[i]);
    }
    if (end < pageRows.length) {
      // Row budget spent, as the page budget below.
      return { kind: 'page', rows, next: { upstream: position.upstream, skip: end } };
    }
    if (next === '') {
      return { kind: 'page', rows, next: undefined };
    }
    position = { upstream: next, skip: 0 };
  }
  // Page budget spent without knowing whether a readable row follows: see the module comment.
  return { kind: 'page', rows, next: position };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
