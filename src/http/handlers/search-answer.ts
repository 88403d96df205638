/** The client's answer to a filtered search (pure on the context): MLflow's error as it came, or one page of rows. */
import type { FilteredSearchResult } from '../../mlflow/filtered-search.js';
import type { PageTokens, SearchBinding } from '../../mlflow/page-token.js';
import type { GatewayContext } from './types.js';

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
