/**
 * The shape of a route of the catalogue (catalogue/*.ts): the operation it is (MLflow's RPC name), its method and
 * path template, where it names resources, and how its request and response are handled.
 */
import type { IdentityFields } from './identity-fields.js';
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
 */
export type TargetLocation = 'request' | 'query' | 'json' | 'path';

/** One resource reference of a route. */
export interface TargetSpec {
  /** The kind of resource the value names. */
  readonly resource: ResourceKindName;
  /** The field's names in precedence order (e.g. run_id, then its legacy alias run_uuid), or the path parameter. */
  readonly names: readonly string[];
  readonly in?: TargetLocation;
  /** `list`: a repeated field; `each`: the field inside every object of this list (metrics[].model_id). */
  readonly shape?: 'scalar' | 'list' | { readonly each: string };
  /** The gateway refuses the request (400) when the field is absent. */
  readonly required?: boolean;
}

/**
 * How the gateway forwards the request:
 *  stream                      proxied as is, body replayed byte for byte when it was read
 *  filter-experiments          the gateway runs the search itself and returns only readable rows
 *  capture-created-experiment  proxied; the response is read to apply the policy's obligations
 *  graphql                     proxied; fields the policy hides (redacted GraphQL fields) are emptied in the answer
 */
export type Handling = 'stream' | 'filter-experiments' | 'capture-created-experiment' | 'graphql';

/** Which of MLflow's routers serves the route; they decode and match paths alike, but not redirects. */
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
   * `graphql`: a GraphQL request, read like `json` but always from the body (MLflow reads it there even on GET);
   * each field of its document is authorized as the operation it runs (graphql/).
   */
  readonly body?: 'json' | 'stream' | 'graphql';
  /** Request fields handed to the policy as input.attributes (read as strings, like MLflow). */
  readonly attributes?: readonly string[];
  /** Identity fields the gateway sets to the caller (see identity-fields.ts). */
  readonly identity?: IdentityFields;
}

type RouteOptions = Partial<Pick<RouteSpec, 'framework' | 'handling' | 'body' | 'attributes' | 'identity'>>;

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
