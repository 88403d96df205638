/**
 * Evaluation datasets (MlflowService, 3.0). A dataset carries the permissions of every experiment it is linked
 * to, all required. Creating names its experiments, every one required, and an empty list is refused (it would
 * create an unlinked dataset). Searching is filtered (handlers/search-datasets.ts): the named experiments the
 * caller may not read are left out, no experiment named searches them all, and only the datasets whose every
 * linked experiment the caller may read are returned.
 */
import { API_3, route, type RouteSpec, type TargetSpec } from '../route-spec.js';

const DATASET: TargetSpec = { resource: 'dataset', names: ['dataset_id'], in: 'path', required: true };
const EXPERIMENTS: TargetSpec = { resource: 'experiment', names: ['experiment_ids'], shape: 'list' };
const FILTERED = { handling: 'filter-evaluation-datasets' } as const;

export const DATASET_ROUTES: readonly RouteSpec[] = [
  route('CreateDataset', 'POST', '/mlflow/datasets/create', API_3, [EXPERIMENTS]),
  route('SearchEvaluationDatasets', 'POST', '/mlflow/datasets/search', API_3, [EXPERIMENTS], FILTERED),
  route('SearchEvaluationDatasets', 'GET', '/mlflow/datasets/search', API_3, [EXPERIMENTS], FILTERED),
  route('GetDataset', 'GET', '/mlflow/datasets/<dataset_id>', API_3, [DATASET]),
  route('DeleteDataset', 'DELETE', '/mlflow/datasets/<dataset_id>', API_3, [DATASET]),
  route('SetDatasetTags', 'PATCH', '/mlflow/datasets/<dataset_id>/tags', API_3, [DATASET]),
  route('DeleteDatasetTag', 'DELETE', '/mlflow/datasets/<dataset_id>/tags/<key>', API_3, [DATASET]),
  route('UpsertDatasetRecords', 'POST', '/mlflow/datasets/<dataset_id>/records', API_3, [DATASET]),
  route('GetDatasetRecords', 'GET', '/mlflow/datasets/<dataset_id>/records', API_3, [DATASET]),
  route('DeleteDatasetRecords', 'DELETE', '/mlflow/datasets/<dataset_id>/records', API_3, [DATASET]),
  route('GetDatasetExperimentIds', 'GET', '/mlflow/datasets/<dataset_id>/experiment-ids', API_3, [DATASET]),
  // Linking needs EDIT on the experiments it adds as well as on those already linked.
  route('AddDatasetToExperiments', 'POST', '/mlflow/datasets/<dataset_id>/add-experiments', API_3, [
    DATASET,
    EXPERIMENTS,
  ]),
  route('RemoveDatasetFromExperiments', 'POST', '/mlflow/datasets/<dataset_id>/remove-experiments', API_3, [DATASET]),
];
