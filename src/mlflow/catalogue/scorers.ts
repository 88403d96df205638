/**
 * Scorers and online scoring (h/genai). A scorer is registered under an experiment and is decided by that
 * experiment's permission (MLflow's auth also keeps a scorer permission type, keyed `<experiment_id>/<name>`, whose
 * only grants are the creator's MANAGE; mlgate has no scorer type, so registering one gives its creator nothing
 * beyond what the experiment grants). See docs/routes-genai.md.
 */
import { API_3, EXPERIMENT, route, type RouteSpec, type TargetSpec } from '../route-spec.js';

/** MLflow serves the UI's scorer invocation at /ajax-api/3.0 only. */
const AJAX_3: readonly string[] = [API_3[1] as string];

/** ListScorers: one experiment, or several (`experiment_ids`); naming none lists every experiment's scorers. */
const LIST_TARGETS: readonly TargetSpec[] = [
  { resource: 'experiment', names: ['experiment_id'] },
  { resource: 'experiment', names: ['experiment_ids'], shape: 'list' },
];

/** Flask handlers reading `request.json` (or the query string of a GET), by their exact names. */
const JSON_EXPERIMENT: TargetSpec = { resource: 'experiment', names: ['experiment_id'], in: 'json', required: true };

export const SCORER_ROUTES: readonly RouteSpec[] = [
  route('RegisterScorer', 'POST', '/mlflow/scorers/register', API_3, [EXPERIMENT]),
  route('ListScorers', 'GET', '/mlflow/scorers/list', API_3, LIST_TARGETS),
  route('ListScorerVersions', 'GET', '/mlflow/scorers/versions', API_3, [EXPERIMENT]),
  route('GetScorer', 'GET', '/mlflow/scorers/get', API_3, [EXPERIMENT]),
  route('DeleteScorer', 'DELETE', '/mlflow/scorers/delete', API_3, [EXPERIMENT]),
  // The experiment of each named scorer's online configuration; a scorer without one adds nothing.
  route('GetOnlineScoringConfigs', 'GET', '/mlflow/scorers/online-configs', API_3, [
    { resource: 'scorer_config', names: ['scorer_ids'], shape: 'list', ifExists: true },
  ]),
  route('UpsertOnlineScoringConfig', 'PUT', '/mlflow/scorers/online-config', API_3, [JSON_EXPERIMENT]),
  route('InvokeScorer', 'POST', '/mlflow/scorer/invoke', AJAX_3, [JSON_EXPERIMENT]),
];
