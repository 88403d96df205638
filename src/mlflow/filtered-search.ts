/**
 * A search whose results are filtered to what the caller may read, with
 * pagination kept correct: the gateway reads MLflow's pages in order, keeps
 * readable rows until the caller's page is full, and returns a token that
 * resumes exactly after the last row it looked at.
 */
import type { UpstreamAnswer } from './client.js';
import { type PagePosition, decodePageToken, encodePageToken } from './page-token.js';

export interface FilteredSearchRequest {
  /** Request fields passed to MLflow unchanged (filter, order_by, view_type, ...). */
  readonly passThrough: Readonly<Record<string, unknown>>;
  readonly maxResults: number;
  readonly pageToken: string | undefined;
}

export type FilteredSearchResult =
  | { readonly kind: 'page'; readonly rows: unknown[]; readonly nextPageToken: string | undefined }
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
  readonly maxPages: number;
  /** Called when MLflow answers 200 with a body the gateway cannot read. */
  readonly invalid: (answer: UpstreamAnswer) => Error;
}

export async function filteredSearch(
  deps: FilteredSearchDeps,
  request: FilteredSearchRequest,
): Promise<FilteredSearchResult> {
  let position: PagePosition = decodePageToken(request.pageToken);
  const rows: unknown[] = [];
  for (let page = 0; page < deps.maxPages; page++) {
    const answer = await deps.fetchPage({
      ...request.passThrough,
      max_results: request.maxResults,
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
    const allowed = await deps.visible(ids as string[]);
    for (let i = position.skip; i < pageRows.length; i++) {
      if (allowed.has(ids[i] as string)) {
        rows.push(pageRows[i]);
      }
      if (rows.length === request.maxResults) {
        const consumed = i + 1;
        if (consumed < pageRows.length) {
          return {
            kind: 'page',
            rows,
            nextPageToken: encodePageToken({ upstream: position.upstream, skip: consumed }),
          };
        }
        return {
          kind: 'page',
          rows,
          nextPageToken: next === '' ? undefined : encodePageToken({ upstream: next, skip: 0 }),
        };
      }
    }
    if (next === '') {
      return { kind: 'page', rows, nextPageToken: undefined };
    }
    position = { upstream: next, skip: 0 };
  }
  // Page budget spent: return what was found and let the client continue.
  return { kind: 'page', rows, nextPageToken: encodePageToken(position) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
