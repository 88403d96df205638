/**
 * The MLflow route catalogue: one row per MLflow endpoint the gateway knows,
 * naming the operation (MLflow's RPC name), where the resource ids sit and how
 * the response is handled. A request matching no row is an unknown route and
 * only administrators may make it (decided by the policy).
 *
 * Source: MLflow 3.17 `mlflow.server.handlers.get_endpoints()`; every protobuf
 * endpoint is served under both /api/<v> (clients) and /ajax-api/<v> (web UI).
 */
import type { IdentityFields } from './identity-fields.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export const API_2: readonly string[] = ['/api/2.0', '/ajax-api/2.0'];
export const API_3: readonly string[] = ['/api/3.0', '/ajax-api/3.0'];
export const ROOT: readonly string[] = [''];

/** A request field, by its protobuf (snake_case) names in precedence order. */
export interface FieldRef {
  readonly names: readonly string[];
  /** The gateway refuses the request (400) when the field is absent. */
  readonly required: boolean;
}

/** Where a route names the resources it touches. */
export type TargetSource =
  | { readonly kind: 'experiment'; readonly field: FieldRef }
  | { readonly kind: 'experiment_name'; readonly field: FieldRef }
  | { readonly kind: 'experiment_list'; readonly field: FieldRef }
  | { readonly kind: 'run'; readonly field: FieldRef }
  | { readonly kind: 'logged_model'; readonly field: FieldRef }
  /** Ids inside a list of objects, e.g. metrics[].model_id. */
  | { readonly kind: 'logged_model_in_list'; readonly list: string; readonly field: FieldRef };

/**
 * How the gateway forwards the request:
 *  stream                      proxied as is, body replayed byte for byte when it was read
 *  filter-experiments          the gateway runs the search itself and returns only readable rows
 *  capture-created-experiment  proxied; the response is read to apply the policy's obligations
 */
export type Handling = 'stream' | 'filter-experiments' | 'capture-created-experiment';

export interface RouteSpec {
  readonly operation: string;
  /** Request fields handed to the policy as input.attributes (read as strings, like MLflow). */
  readonly attributes?: readonly string[];
  /** Identity fields the gateway sets to the caller (see identity-fields.ts). */
  readonly identity?: IdentityFields;
  readonly method: HttpMethod;
  /** Path after the API prefix. */
  readonly path: string;
  readonly prefixes: readonly string[];
  readonly targets: readonly TargetSource[];
  readonly handling: Handling;
}

const required = (...names: string[]): FieldRef => ({ names, required: true });
const optional = (...names: string[]): FieldRef => ({ names, required: false });

const EXPERIMENT = { kind: 'experiment', field: required('experiment_id') } as const;
const RUN = { kind: 'run', field: required('run_id', 'run_uuid') } as const;

function route(
  operation: string,
  method: HttpMethod,
  path: string,
  prefixes: readonly string[],
  targets: readonly TargetSource[] = [],
  handling: Handling = 'stream',
): RouteSpec {
  return { operation, method, path, prefixes, targets, handling };
}

export const ROUTES: readonly RouteSpec[] = [
  // Server.
  route('Health', 'GET', '/health', ROOT),
  route('Version', 'GET', '/version', ROOT),
  route('ServerInfo', 'GET', '/mlflow/server-info', API_3),

  // Experiments.
  {
    ...route('CreateExperiment', 'POST', '/mlflow/experiments/create', API_2, [], 'capture-created-experiment'),
    attributes: ['artifact_location'],
  },
  route('GetExperiment', 'GET', '/mlflow/experiments/get', API_2, [EXPERIMENT]),
  route('GetExperimentByName', 'GET', '/mlflow/experiments/get-by-name', API_2, [
    { kind: 'experiment_name', field: required('experiment_name') },
  ]),
  route('SearchExperiments', 'POST', '/mlflow/experiments/search', API_2, [], 'filter-experiments'),
  route('SearchExperiments', 'GET', '/mlflow/experiments/search', API_2, [], 'filter-experiments'),
  route('UpdateExperiment', 'POST', '/mlflow/experiments/update', API_2, [EXPERIMENT]),
  route('DeleteExperiment', 'POST', '/mlflow/experiments/delete', API_2, [EXPERIMENT]),
  route('RestoreExperiment', 'POST', '/mlflow/experiments/restore', API_2, [EXPERIMENT]),
  route('SetExperimentTag', 'POST', '/mlflow/experiments/set-experiment-tag', API_2, [EXPERIMENT]),
  route('DeleteExperimentTag', 'POST', '/mlflow/experiments/delete-experiment-tag', API_2, [EXPERIMENT]),

  // Runs; the permission is on the run's experiment.
  { ...route('CreateRun', 'POST', '/mlflow/runs/create', API_2, [EXPERIMENT]), identity: 'run-author' },
  route('GetRun', 'GET', '/mlflow/runs/get', API_2, [RUN]),
  route('UpdateRun', 'POST', '/mlflow/runs/update', API_2, [RUN]),
  route('DeleteRun', 'POST', '/mlflow/runs/delete', API_2, [RUN]),
  route('RestoreRun', 'POST', '/mlflow/runs/restore', API_2, [RUN]),
  route('LogMetric', 'POST', '/mlflow/runs/log-metric', API_2, [
    RUN,
    { kind: 'logged_model', field: optional('model_id') },
  ]),
  route('LogParam', 'POST', '/mlflow/runs/log-parameter', API_2, [RUN]),
  { ...route('SetTag', 'POST', '/mlflow/runs/set-tag', API_2, [RUN]), identity: 'run-tags' },
  route('DeleteTag', 'POST', '/mlflow/runs/delete-tag', API_2, [RUN]),
  {
    ...route('LogBatch', 'POST', '/mlflow/runs/log-batch', API_2, [
      RUN,
      { kind: 'logged_model_in_list', list: 'metrics', field: optional('model_id') },
    ]),
    identity: 'run-tags',
  },
  route('LogModel', 'POST', '/mlflow/runs/log-model', API_2, [RUN]),
  route('LogInputs', 'POST', '/mlflow/runs/log-inputs', API_2, [
    RUN,
    { kind: 'logged_model_in_list', list: 'models', field: optional('model_id') },
  ]),
  route('LogOutputs', 'POST', '/mlflow/runs/outputs', API_2, [
    RUN,
    { kind: 'logged_model_in_list', list: 'models', field: optional('model_id') },
  ]),
  route('SearchRuns', 'POST', '/mlflow/runs/search', API_2, [
    { kind: 'experiment_list', field: optional('experiment_ids') },
  ]),
  route('GetMetricHistory', 'GET', '/mlflow/metrics/get-history', API_2, [RUN]),
];
