/**
 * Logged models (MlflowService): a model id in the path carries the permission of the model's experiment.
 *
 * FinalizeLoggedModel acts on the body's model_id (MLflow's handler ignores the path's), so both are checked;
 * LogLoggedModelParams acts on the path's and requires the body's, so both are checked too. SearchLoggedModels
 * leaves out the listed experiments the caller may not read, like SearchRuns (or refuses them, as configured).
 */
import { API_2, EXPERIMENT, route, type RouteSpec, type TargetSpec } from '../route-spec.js';

const MODEL_IN_PATH: TargetSpec = { resource: 'logged_model', names: ['model_id'], in: 'path', required: true };
const MODEL_IN_BODY: TargetSpec = { resource: 'logged_model', names: ['model_id'] };
const MODEL = '/mlflow/logged-models/<model_id>';

/** The web UI's download of one file of a logged model (a Flask handler reading request.args). */
const GET_LOGGED_MODEL_ARTIFACT = route(
  'GetLoggedModelArtifact',
  'GET',
  `${MODEL}/artifacts/files`,
  ['/ajax-api/2.0'],
  [MODEL_IN_PATH, { resource: 'relative_artifact_path', names: ['artifact_file_path'], in: 'query', required: true }],
);

export const LOGGED_MODEL_ROUTES: readonly RouteSpec[] = [
  GET_LOGGED_MODEL_ARTIFACT,
  route('CreateLoggedModel', 'POST', '/mlflow/logged-models', API_2, [
    EXPERIMENT,
    { resource: 'run', names: ['source_run_id'], permission: 'READ' },
  ]),
  route(
    'SearchLoggedModels',
    'POST',
    '/mlflow/logged-models/search',
    API_2,
    [{ resource: 'experiment', names: ['experiment_ids'], shape: 'list' }],
    { handling: 'drop-unreadable-targets' },
  ),
  route('GetLoggedModel', 'GET', MODEL, API_2, [MODEL_IN_PATH]),
  route('FinalizeLoggedModel', 'PATCH', MODEL, API_2, [MODEL_IN_PATH, { ...MODEL_IN_BODY, required: true }]),
  route('DeleteLoggedModel', 'DELETE', MODEL, API_2, [MODEL_IN_PATH]),
  route('SetLoggedModelTags', 'PATCH', `${MODEL}/tags`, API_2, [MODEL_IN_PATH]),
  route('DeleteLoggedModelTag', 'DELETE', `${MODEL}/tags/<tag_key>`, API_2, [MODEL_IN_PATH]),
  route('LogLoggedModelParams', 'POST', `${MODEL}/params`, API_2, [MODEL_IN_PATH, MODEL_IN_BODY]),
  route('ListLoggedModelArtifacts', 'GET', `${MODEL}/artifacts/directories`, API_2, [
    MODEL_IN_PATH,
    { resource: 'relative_artifact_path', names: ['artifact_directory_path'] },
  ]),
];
