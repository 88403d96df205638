/** Runs, their metrics, params, tags, inputs and outputs; the permission is on the run's experiment. */
import { API_2, EXPERIMENT, MODELS_IN, RUN, route, type RouteSpec } from '../route-spec.js';

/** The web UI's prompt lab (a Flask handler reading request.json by snake_case names only). */
const CREATE_PROMPTLAB_RUN = route(
  'CreatePromptLabRun',
  'POST',
  '/mlflow/runs/create-promptlab-run',
  ['/ajax-api/2.0'],
  [{ resource: 'experiment', names: ['experiment_id'], in: 'json', required: true }],
  { identity: 'promptlab-author' },
);

export const RUN_ROUTES: readonly RouteSpec[] = [
  CREATE_PROMPTLAB_RUN,
  route('CreateRun', 'POST', '/mlflow/runs/create', API_2, [EXPERIMENT], { identity: 'run-author' }),
  route('GetRun', 'GET', '/mlflow/runs/get', API_2, [RUN]),
  route('UpdateRun', 'POST', '/mlflow/runs/update', API_2, [RUN]),
  route('DeleteRun', 'POST', '/mlflow/runs/delete', API_2, [RUN]),
  route('RestoreRun', 'POST', '/mlflow/runs/restore', API_2, [RUN]),
  route('LogMetric', 'POST', '/mlflow/runs/log-metric', API_2, [
    RUN,
    { resource: 'logged_model', names: ['model_id'] },
  ]),
  route('LogParam', 'POST', '/mlflow/runs/log-parameter', API_2, [RUN]),
  route('SetTag', 'POST', '/mlflow/runs/set-tag', API_2, [RUN], { identity: 'run-tags' }),
  route('DeleteTag', 'POST', '/mlflow/runs/delete-tag', API_2, [RUN]),
  route('LogBatch', 'POST', '/mlflow/runs/log-batch', API_2, [RUN, MODELS_IN('metrics')], { identity: 'run-tags' }),
  route('LogModel', 'POST', '/mlflow/runs/log-model', API_2, [RUN]),
  route('LogInputs', 'POST', '/mlflow/runs/log-inputs', API_2, [RUN, MODELS_IN('models')]),
  route('LogOutputs', 'POST', '/mlflow/runs/outputs', API_2, [RUN, MODELS_IN('models')]),
  route(
    'SearchRuns',
    'POST',
    '/mlflow/runs/search',
    API_2,
    [{ resource: 'experiment', names: ['experiment_ids'], shape: 'list' }],
    {
      handling: 'drop-unreadable-targets',
    },
  ),
  route('GetMetricHistory', 'GET', '/mlflow/metrics/get-history', API_2, [RUN]),
  // Bulk metric histories (h/tracking): READ on the experiment of every run.
  route('GetMetricHistoryBulkInterval', 'GET', '/mlflow/metrics/get-history-bulk-interval', API_2, [
    { resource: 'run', names: ['run_ids'], shape: 'list' },
  ]),
  // The web UI's (a Flask handler reading request.args: run_id repeated).
  route(
    'GetMetricHistoryBulk',
    'GET',
    '/mlflow/metrics/get-history-bulk',
    ['/ajax-api/2.0'],
    [{ resource: 'run', names: ['run_id'], in: 'query', shape: 'list' }],
  ),
];
