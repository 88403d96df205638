/**
 * Prompt optimization, background jobs and the UI's evaluation runs (h/genai). A job carries the permission of
 * the experiment its parameters name (resources/genai-objects.ts); MLflow's auth decides the generic job routes
 * by the job's recorded creator, which MLflow only records when its own auth runs (behind mlgate every job's
 * creator is empty). See docs/routes-genai.md.
 */
import { API_3, EXPERIMENT, route, type RouteSpec, type TargetSpec } from '../route-spec.js';

const AJAX_3: readonly string[] = [API_3[1] as string];
/** The FastAPI job router (prefix /ajax-api/3.0/jobs). */
const JOBS: readonly string[] = ['/ajax-api/3.0/jobs'];

const JOB_FLASK: TargetSpec = { resource: 'job', names: ['job_id'], in: 'path', required: true };
const CONFIG = ['config'];

/**
 * The job creates a run in the experiment (EDIT), loads the source prompt (READ on each name MLflow's auth reads
 * from the URI, prompt type) and the evaluation dataset (READ on every experiment it is linked to), and calls
 * the reflection model (an AI gateway endpoint: administrators only, see gateway-reference.ts). The scorers it
 * runs are the experiment's own.
 */
const CREATE_OPTIMIZATION = route('CreatePromptOptimizationJob', 'POST', '/mlflow/prompt-optimization/jobs', API_3, [
  EXPERIMENT,
  { resource: 'source_prompt', names: ['source_prompt_uri'], permission: 'READ' },
  { resource: 'dataset', names: ['dataset_id'], within: CONFIG, permission: 'READ' },
  { resource: 'reflection_model', names: ['optimizer_config_json'], within: CONFIG },
]);

export const JOB_ROUTES: readonly RouteSpec[] = [
  CREATE_OPTIMIZATION,
  route('GetPromptOptimizationJob', 'GET', '/mlflow/prompt-optimization/jobs/<job_id>', API_3, [JOB_FLASK]),
  route('SearchPromptOptimizationJobs', 'POST', '/mlflow/prompt-optimization/jobs/search', API_3, [EXPERIMENT]),
  route('SearchPromptOptimizationJobs', 'GET', '/mlflow/prompt-optimization/jobs/search', API_3, [EXPERIMENT]),
  route('CancelPromptOptimizationJob', 'POST', '/mlflow/prompt-optimization/jobs/<job_id>/cancel', API_3, [JOB_FLASK]),
  route('DeletePromptOptimizationJob', 'DELETE', '/mlflow/prompt-optimization/jobs/<job_id>', API_3, [JOB_FLASK]),
  // The UI's job status and cancel routes (Flask) and the FastAPI job router.
  route('GetJob', 'GET', '/mlflow/jobs/<job_id>', AJAX_3, [JOB_FLASK]),
  route('CancelJob', 'PATCH', '/mlflow/jobs/cancel/<job_id>', AJAX_3, [JOB_FLASK]),
  route('GetJob', 'GET', '/{job_id}', JOBS, [JOB_FLASK], { framework: 'fastapi' }),
  route('CancelJob', 'PATCH', '/cancel/{job_id}', JOBS, [JOB_FLASK], { framework: 'fastapi' }),
  // Runs any allowed job function with free-form parameters as the server: administrators only. The routes
  // above that submit jobs (optimization, scorer and issue invocation, evaluation) are decided each on its own.
  route('SubmitJob', 'POST', '/', JOBS, [], { framework: 'fastapi' }),
  // Jobs whose parameters hold this experiment id (MLflow compares the parameters for equality); naming none
  // would search every experiment's jobs: refused to non-administrators (no-targets).
  route(
    'SearchJobs',
    'POST',
    '/search',
    JOBS,
    [{ resource: 'experiment', names: ['experiment_id'], in: 'json', within: ['params'] }],
    { framework: 'fastapi' },
  ),
  // mlflow.genai.evaluate on the experiment's traces (MLflow checks they are in it): a run and a job in it.
  route('InvokeGenaiEvaluate', 'POST', '/mlflow/genai/evaluate/invoke', AJAX_3, [
    { resource: 'experiment', names: ['experiment_id'], in: 'json', required: true },
  ]),
];
