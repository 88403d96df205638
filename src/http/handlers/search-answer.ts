/**
 * A filtered search from the caller's request to the answer: resumed where its page token says, run page by page
 * (filtered-search.ts), answered with one page of rows and a sealed token, or MLflow's error as it came.
 */
import { MlgateError } from '../../errors.js';
import {
  type FilteredSearchDeps,
  type FilteredSearchResult,
  filteredSearch,
  upstreamPageSize,
} from '../../mlflow/filtered-search.js';
import type { PageTokens, SearchBinding } from '../../mlflow/page-token.js';
import type { CarrierType } from '../../mlflow/resources/kind.js';
import { type PolicyInput, type ResolvedTarget, buildPolicyInput, keyedGrants } from '../../policy/input.js';
import type { ForwardDeps, GatewayContext } from './types.js';

export async function runFilteredSearch(
  deps: ForwardDeps,
  ctx: GatewayContext,
  search: Pick<FilteredSearchDeps, 'fetchPage' | 'rowsField' | 'idOf' | 'visible' | 'chunkSize' | 'maxRowsChecked'> & {
    /** Request fields MLflow gets as they are. */
    readonly passThrough: Readonly<Record<string, unknown>>;
    readonly binding: SearchBinding;
    readonly pageToken: string | undefined;
    /** The largest MLflow page the gateway reads. */
    readonly pageLimit: number;
  },
): Promise<void> {
  const start = deps.pageTokens.resume(search.pageToken, search.binding, ctx.state.now);
  const result = await filteredSearch(
    {
      fetchPage: search.fetchPage,
      rowsField: search.rowsField,
      idOf: search.idOf,
      visible: search.visible,
      ...(search.chunkSize === undefined ? {} : { chunkSize: search.chunkSize }),
      maxPages: deps.searchMaxPages,
      ...(search.maxRowsChecked === undefined ? {} : { maxRowsChecked: search.maxRowsChecked }),
      invalid: () => new MlgateError('MLGATE_UPSTREAM_INVALID_RESPONSE'),
    },
    {
      passThrough: search.passThrough,
      maxResults: search.binding.maxResults,
      pageSize: upstreamPageSize(search.binding.maxResults, search.pageLimit),
      start,
    },
  );
  answerSearch(ctx, result, { rowsField: search.rowsField, binding: search.binding, pageTokens: deps.pageTokens });
}

/**
 * The policy input that decides which rows of a page the caller may read: the rows' targets (all of carrier type
 * `type`), named for regex rules, with the caller's grants on those that exist.
 */
export async function rowsPolicyInput(
  deps: ForwardDeps,
  ctx: GatewayContext,
  principal: NonNullable<GatewayContext['state']['principal']> & { readonly username: string },
  type: CarrierType,
  targets: readonly ResolvedTarget[],
): Promise<PolicyInput> {
  const ids = [...new Set(targets.filter((t) => t.exists).map((t) => t.id))];
  const grants = await deps.grantSource.forPrincipal(type, ids, principal.username, principal.groups);
  return buildPolicyInput({
    principal,
    operation: ctx.state.route?.operation ?? null,
    targets: deps.names === undefined ? targets : await deps.names.name(targets),
    grants: keyedGrants(type, grants),
    method: ctx.method,
    path: ctx.state.path,
    now: ctx.state.now,
  });
}

/** The client's answer to a filtered search (pure on the context): MLflow's error as it came, or one page of rows. */
export function answerSearch(
  ctx: GatewayContext,
  result: FilteredSearchResult,
  answer: { readonly rowsField: string; readonly binding: SearchBinding; readonly pageTokens: PageTokens },
): void {
  if (result.kind === 'upstream-error') {
    ctx.status = result.answer.status;
    ctx.type = result.answer.contentType ?? 'application/json';
    ctx.body = result.answer.raw;
    return;
  }
  ctx.status = 200;
  ctx.body = {
    ...(result.rows.length === 0 ? {} : { [answer.rowsField]: result.rows }),
    ...(result.next === undefined
      ? {}
      : { next_page_token: answer.pageTokens.issue(result.next, answer.binding, ctx.state.now) }),
  };
}
