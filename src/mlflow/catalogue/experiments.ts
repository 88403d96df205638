/** Experiments (MlflowService). */
import { API_2, EXPERIMENT, route, type RouteSpec } from '../route-spec.js';

/**
 * The web UI's dataset search (a Flask route, protobuf parameters): the summaries of the datasets logged to runs
 * of the listed experiments, each row in one of them. The experiments the caller may not read are left out, as for
 * SearchRuns.
 */
const SEARCH_DATASETS = route(
  'SearchDatasets',
  'POST',
  '/mlflow/experiments/search-datasets',
  ['/ajax-api/2.0'],
  [{ resource: 'experiment', names: ['experiment_ids'], shape: 'list' }],
  { handling: 'drop-unreadable-targets' },
);

export const EXPERIMENT_ROUTES: readonly RouteSpec[] = [
  SEARCH_DATASETS,
  route('CreateExperiment', 'POST', '/mlflow/experiments/create', API_2, [], {
    handling: 'capture-created-experiment',
    attributes: ['artifact_location'],
  }),
  route('GetExperiment', 'GET', '/mlflow/experiments/get', API_2, [EXPERIMENT]),
  route('GetExperimentByName', 'GET', '/mlflow/experiments/get-by-name', API_2, [
    { resource: 'experiment_name', names: ['experiment_name'], required: true },
  ]),
  route('SearchExperiments', 'POST', '/mlflow/experiments/search', API_2, [], { handling: 'filter-experiments' }),
  route('SearchExperiments', 'GET', '/mlflow/experiments/search', API_2, [], { handling: 'filter-experiments' }),
  route('UpdateExperiment', 'POST', '/mlflow/experiments/update', API_2, [EXPERIMENT], {
    handling: 'forget-experiment-name',
  }),
  route('DeleteExperiment', 'POST', '/mlflow/experiments/delete', API_2, [EXPERIMENT]),
  route('RestoreExperiment', 'POST', '/mlflow/experiments/restore', API_2, [EXPERIMENT]),
  route('SetExperimentTag', 'POST', '/mlflow/experiments/set-experiment-tag', API_2, [EXPERIMENT]),
  route('DeleteExperimentTag', 'POST', '/mlflow/experiments/delete-experiment-tag', API_2, [EXPERIMENT]),
];
