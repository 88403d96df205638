/**
 * The shape of a route of the catalogue (catalogue/*.ts): the operation it is (MLflow's RPC name), its method and
 * path template, where it names resources, and how its request and response are handled.
 */
import type { PermissionLevel } from '../config/schema.js';
import type { IdentityFields } from './identity-fields.js';
import type { RequestParams } from './params.js';
import type { OperationName } from './operations.js';
import type { ResourceKindName } from './resources/index.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export const API_2: readonly string[] = ['/api/2.0', '/ajax-api/2.0'];
export const API_3: readonly string[] = ['/api/3.0', '/ajax-api/3.0'];
export const ROOT: readonly string[] = [''];

/**
 * Where a route names a resource:
 *  - `request`: where MLflow's protobuf handlers read parameters (the query string of a GET that has one, else
 *    the JSON body; see params.ts). The default.
 *  - `query`: the query string only, as the Flask handlers outside the protobuf services read it.
 *  - `json`: the JSON body only, by its snake_case names, as Flask handlers reading `request.json` see it.
 *  - `path`: a parameter of the path template.
 *  - `header`: a request header (FastAPI `Header(...)`), sent once; a repeated one is refused.
 *  - `otlp`: the trace ids of an OTLP export body (route body `otlp`), as MLflow derives them from the spans.
 */
export type TargetLocation = 'request' | 'query' | 'json' | 'path' | 'header' | 'otlp';

/** One resource reference of a route. */
export interface TargetSpec {
  /** The kind of resource the value names. */
  readonly resource: ResourceKindName;
  /** The field's names in precedence order (e.g. run_id, then its legacy alias run_uuid), or the path parameter. */
  readonly names: readonly string[];
  readonly in?: TargetLocation;
  /**
   * Message fields leading from the request to the object that holds the field, read like protobuf JSON
   * (snake_case or lowerCamelCase at every level): StartTraceV3's `trace.trace_info.trace_location...`.
   */
  readonly within?: readonly string[];
  /**
   * `list`: a repeated field; `each`: the field inside every object of this list (metrics[].model_id), optionally
   * inside a message of each object (`locations[].mlflow_experiment.experiment_id`).
   */
  readonly shape?: 'scalar' | 'list' | { readonly each: string; readonly within?: readonly string[] };
  /** The gateway refuses the request (400) when the field is absent. */
  readonly required?: boolean;
  /**
   * The named resource may not exist yet (an id the client chose, for a resource the request creates): when it
   * does not, it adds no target; when it does, its permission is required like any other.
   */
  readonly ifExists?: boolean;
  /**
   * The permission this resource needs, when it is not the operation's: e.g. READ on the source run of a logged
   * model being created (EDIT on its experiment).
   */
  readonly permission?: PermissionLevel;
}

/**
 * How the gateway forwards the request:
 *  stream                      proxied as is, body replayed byte for byte when it was read
 *  filter-experiments          the gateway runs the search itself and returns only readable rows
 *  capture-created-experiment  proxied; the response is read to apply the policy's obligations
 *  drop-unreadable-targets     proxied without the experiments the caller may not read, when the policy says so
 *  filter-evaluation-datasets  the gateway runs the search itself (without the experiments the caller may not
 *                              read, as drop-unreadable-targets) and returns only the datasets whose every
 *                              linked experiment the caller may read
 *  graphql                     proxied; fields the policy hides (redacted GraphQL fields) are emptied in the answer
 * The model registry and prompts (h/registry):
 *  capture-created-registry-entry  proxied; the answer names the registered model or prompt created (obligations)
 *  sweep-deleted-registry-entry    proxied; after MLflow deleted the entry, the grants on its name are removed
 *  move-renamed-registry-entry     proxied; after MLflow renamed the entry, its grants move to the new name
 *  filter-registered-models        the gateway runs the search itself and returns only readable rows
 *  filter-model-versions           the same, rows decided by their registered model or prompt
 *  sweep-deleted-grants        proxied; once MLflow confirms the deletion, every grant on the request's targets
 *                              (only the deleted resource) is removed (h/gateway)
 *  filter-gateway-endpoints    proxied; the answer's endpoints are filtered to those the caller may read (h/gateway)
 *  capture-created-mcp-server  proxied; the answer is read to grant the creator of an MCP server (h/gateway)
 *  capture-created-gateway-endpoint   the same, for an AI gateway endpoint (h/gateway)
 */
export type Handling =
  | 'stream'
  | 'filter-experiments'
  | 'capture-created-experiment'
  | 'forget-experiment-name'
  | 'drop-unreadable-targets'
  | 'filter-evaluation-datasets'
  | 'graphql'
  // The model registry and prompts (h/registry).
  | 'capture-created-registry-entry'
  | 'sweep-deleted-registry-entry'
  | 'move-renamed-registry-entry'
  | 'filter-registered-models'
  | 'filter-model-versions'
  // AI gateway and MCP servers (h/gateway).
  | 'sweep-deleted-grants'
  | 'filter-gateway-endpoints'
  | 'capture-created-mcp-server'
  | 'capture-created-gateway-endpoint';

/** Which of MLflow's routers serves the route; they decode and match paths alike, but not redirects. */
/** The handlings that can leave a search's unreadable experiments out (the drop-unreadable-targets obligation). */
export const DROPPING_HANDLINGS: ReadonlySet<Handling> = new Set<Handling>([
  'drop-unreadable-targets',
  'filter-evaluation-datasets',
]);

export type Framework = 'flask' | 'fastapi';

export interface RouteSpec {
  readonly operation: OperationName;
  readonly method: HttpMethod;
  /**
   * Path after the API prefix, in the serving framework's own syntax, exactly as MLflow declares it: Flask
   * `<model_id>` and `<path:artifact_path>`, FastAPI `{job_id}` and `{name:path}`.
   */
  readonly path: string;
  readonly prefixes: readonly string[];
  readonly framework?: Framework;
  readonly targets: readonly TargetSpec[];
  readonly handling: Handling;
  /**
   * `json` (the default): the body is read whole, bounded by server.max_json_body_bytes, checked and replayed.
   * `stream`: an artifact upload, streamed to MLflow and never buffered (its own cap applies).
   * `otlp`: an OTLP trace export (protobuf or JSON, maybe compressed), read whole and bounded like a JSON body,
   *   its trace ids read (see otlp.ts) and forwarded decompressed, so MLflow parses the bytes that were checked.
   * `graphql`: a GraphQL request, read like `json` but always from the body (MLflow reads it there even on GET);
   * each field of its document is authorized as the operation it runs (graphql/).
   */
  readonly body?: 'json' | 'stream' | 'otlp' | 'graphql';
  /** Request fields handed to the policy as input.attributes (read as strings, like MLflow). */
  readonly attributes?: readonly string[];
  /**
   * Attributes the gateway derives from the request, by name (e.g. the permission type CreateRegisteredModel
   * creates, from its tags): each reader returns the value, undefined to leave it out, or throws (400) on a request
   * it cannot read unambiguously.
   */
  readonly derivedAttributes?: Readonly<Record<string, (params: RequestParams) => string | undefined>>;
  /** Identity fields the gateway sets to the caller (see identity-fields.ts). */
  readonly identity?: IdentityFields;
}

type RouteOptions = Partial<
  Pick<RouteSpec, 'framework' | 'handling' | 'body' | 'attributes' | 'derivedAttributes' | 'identity'>
>;

export function route(
  operation: OperationName,
  method: HttpMethod,
  path: string,
  prefixes: readonly string[],
  targets: readonly TargetSpec[] = [],
  options: RouteOptions = {},
): RouteSpec {
  return { operation, method, path, prefixes, targets, handling: 'stream', ...options };
}

export const EXPERIMENT: TargetSpec = { resource: 'experiment', names: ['experiment_id'], required: true };
export const RUN: TargetSpec = { resource: 'run', names: ['run_id', 'run_uuid'], required: true };
export const MODELS_IN = (list: string): TargetSpec => ({
  resource: 'logged_model',
  names: ['model_id'],
  shape: { each: list },
});
