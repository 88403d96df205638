/**
 * SearchRegisteredModels and SearchModelVersions (h/registry): the gateway runs the search itself, page by page,
 * and returns only the rows the caller may read, with pagination kept correct and page tokens that reveal nothing
 * of hidden rows (filtered-search.ts, page-token.ts), as for experiments.
 *
 * A registered model row is decided in the permission type its tags say it is (a prompt carries the prompt tag).
 * A model version row is decided by its registered model or prompt, looked up by name (once per name and search):
 * not by the version's own tags, which anyone with EDIT on the model may change.
 */
import { MlgateError } from '../../errors.js';
import { checkedMaxResults } from '../../mlflow/filtered-search.js';
import type { UpstreamAnswer } from '../../mlflow/client.js';
import { LOOKUP_CONCURRENCY } from '../../mlflow/resolve.js';
import type { SearchBinding } from '../../mlflow/page-token.js';
import { type RequestParams, readInteger, readList, readString } from '../../mlflow/params.js';
import { registryEntry, registryType } from '../../mlflow/registry/prompt-tag.js';
import type { CarrierType } from '../../mlflow/resources/kind.js';
import type { ResolvedTarget } from '../../policy/input.js';
import { mapLimited } from '../../util/concurrency.js';
import { rowsPolicyInput, runFilteredSearch } from './search-answer.js';
import type { ForwardDeps, ForwardHandler, GatewayContext } from './types.js';

interface RegistrySearch {
  /** The operation, bound into page tokens. */
  readonly operation: string;
  readonly fetchPage: (deps: ForwardDeps) => (request: Readonly<Record<string, unknown>>) => Promise<UpstreamAnswer>;
  readonly rowsField: string;
  /** MLflow's default max_results (the proto's) and its largest. */
  readonly defaultMaxResults: number;
  readonly mlflowMaxResults: number;
  /** The largest MLflow page the gateway reads (at most mlflowMaxResults). */
  readonly pageLimit: number;
  /**
   * The registered model or prompt of each row (a row id is its position key), or undefined for a row it cannot
   * read. `readable` answers which typed carriers the caller may read (keys as `key`).
   */
  readonly carriersOf: (
    deps: ForwardDeps,
    rows: readonly Record<string, unknown>[],
    readable: (targets: readonly ResolvedTarget[]) => Promise<Set<string>>,
  ) => Promise<(ResolvedTarget | undefined)[]>;
}

const registeredModels: RegistrySearch = {
  operation: 'SearchRegisteredModels',
  fetchPage: (deps) => (request) => deps.client.searchRegisteredModels(request),
  rowsField: 'registered_models',
  defaultMaxResults: 100,
  mlflowMaxResults: 1000,
  pageLimit: 1000,
  carriersOf: (_deps, rows) =>
    Promise.resolve(
      rows.map((row) => {
        const entry = registryEntry(row);
        return entry === undefined ? undefined : target(registryType(entry.isPrompt), entry.name);
      }),
    ),
};

const modelVersions: RegistrySearch = {
  operation: 'SearchModelVersions',
  fetchPage: (deps) => (request) => deps.client.searchModelVersions(request),
  rowsField: 'model_versions',
  defaultMaxResults: 200_000,
  mlflowMaxResults: 200_000,
  pageLimit: 10_000,
  carriersOf: async (deps, rows, readable) => {
    const names = [
      ...new Set(
        rows.map((row) => row['name']).filter((name): name is string => typeof name === 'string' && name !== ''),
      ),
    ];
    // Only a name the caller may read in one type and not the other needs MLflow to say which type it is: one
    // readable in neither is hidden whatever it is, and one readable in both is shown whatever it is. Looking up
    // every name would cost one MLflow request per registered model on every page of every search (attack9).
    const asModel = await readable(names.map((name) => target('registered_model', name)));
    const asPrompt = await readable(names.map((name) => target('prompt', name)));
    const types = new Map<string, ResolvedTarget>();
    const unsure: string[] = [];
    for (const name of names) {
      const model = asModel.has(key(target('registered_model', name)));
      const prompt = asPrompt.has(key(target('prompt', name)));
      if (model && prompt) types.set(name, target('registered_model', name));
      else if (model || prompt) unsure.push(name);
    }
    const entries = await mapLimited(unsure, LOOKUP_CONCURRENCY, (name) => deps.client.registeredModel(name));
    unsure.forEach((name, i) => {
      const entry = entries[i];
      // A version whose model is gone (deleted meanwhile) is hidden.
      if (entry != null) types.set(name, target(registryType(entry.isPrompt), entry.name));
    });
    return rows.map((row) => (typeof row['name'] === 'string' ? types.get(row['name']) : undefined));
  },
};

function target(type: CarrierType, name: string): ResolvedTarget {
  return { type, id: name, via: 'registered_model_name', ref: name, exists: true };
}

export const searchRegisteredModels: ForwardHandler = (deps, ctx) => runSearch(registeredModels, deps, ctx);
export const searchModelVersions: ForwardHandler = (deps, ctx) => runSearch(modelVersions, deps, ctx);

async function runSearch(search: RegistrySearch, deps: ForwardDeps, ctx: GatewayContext): Promise<void> {
  const { params, principal, policy } = ctx.state;
  if (params === undefined || principal === undefined || principal.username === null || policy === undefined) {
    throw new MlgateError(
      'MLGATE_INTERNAL',
      'A filtered search reached the forward stage without parameters, principal or policy.',
    );
  }
  const username = principal.username;
  const request = searchRequest(search, params, username);
  // Rows are told apart by their position in the page (names repeat across model versions).
  let carriers: (ResolvedTarget | undefined)[] = [];
  let positions = new Map<unknown, number>();
  const fetchPage = search.fetchPage(deps);
  await runFilteredSearch(deps, ctx, {
    ...request,
    pageLimit: search.pageLimit,
    fetchPage: async (pageRequest) => {
      const answer = await fetchPage(pageRequest);
      const rows = (answer.body as Record<string, unknown> | undefined)?.[search.rowsField];
      carriers =
        answer.status === 200 && Array.isArray(rows) && rows.every(isObject)
          ? await search.carriersOf(deps, rows, (targets) => readableCarriers(deps, ctx, targets))
          : [];
      positions = new Map((Array.isArray(rows) ? rows : []).map((row, i) => [row, i]));
      return answer;
    },
    rowsField: search.rowsField,
    idOf: (row) => {
      const i = positions.get(row);
      return i === undefined ? undefined : String(i);
    },
    visible: async (ids) => {
      const rows = ids.map((id) => ({ id, carrier: carriers[Number(id)] }));
      const targets = rows.flatMap((row) => (row.carrier === undefined ? [] : [row.carrier]));
      const readable = await readableCarriers(deps, ctx, targets);
      return new Set(
        rows.filter((row) => row.carrier !== undefined && readable.has(key(row.carrier))).map((row) => row.id),
      );
    },
  });
}
function key(target: ResolvedTarget): string {
  return `${target.type}\u0000${target.id}`;
}

/** The typed carriers among `targets` the caller may read (the policy's `visible`, per type). */
async function readableCarriers(
  deps: ForwardDeps,
  ctx: GatewayContext,
  targets: readonly ResolvedTarget[],
): Promise<Set<string>> {
  const { principal, policy } = ctx.state;
  if (principal === undefined || principal.username === null || policy === undefined || targets.length === 0) {
    return new Set();
  }
  const byType = new Map<CarrierType, ResolvedTarget[]>();
  for (const t of targets) {
    byType.set(t.type, [...(byType.get(t.type) ?? []), t]);
  }
  const readable = new Set<string>();
  for (const [type, ofType] of byType) {
    const unique = [...new Map(ofType.map((t) => [t.id, t])).values()];
    const username = principal.username;
    const visible = policy.visible(await rowsPolicyInput(deps, ctx, { ...principal, username }, type, unique));
    for (const id of visible) readable.add(`${type}\u0000${id}`);
  }
  return readable;
}

/** The search's fields, read as MLflow reads them (see search-experiments.ts). */
function searchRequest(
  search: RegistrySearch,
  params: RequestParams,
  username: string,
): { passThrough: Record<string, unknown>; binding: SearchBinding; pageToken: string | undefined } {
  const passThrough: Record<string, unknown> = {};
  const filter = readString(params, 'filter');
  if (filter !== undefined) passThrough['filter'] = filter;
  const orderBy = readList(params, 'order_by');
  if (orderBy.length > 0) passThrough['order_by'] = orderBy;
  const maxResults = checkedMaxResults(
    readInteger(params, 'max_results') ?? search.defaultMaxResults,
    search.mlflowMaxResults,
  );
  return {
    passThrough,
    binding: { username, filter: filter ?? null, orderBy, viewType: null, maxResults, search: search.operation },
    pageToken: readString(params, 'page_token'),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
