/**
 * The GenAI objects that belong to one experiment and carry its permission (h/genai), each resolved by asking
 * MLflow for the object, as MLflow's auth does (`_get_permission_from_*_id`, `get_job(job_id).params`).
 */
import { experimentByLookup } from './lookup.js';

/** An issue (`/mlflow/issues/<issue_id>`): it stays in the experiment it was created in. */
export const issue = experimentByLookup({
  name: 'issue',
  what: 'the experiment of issue',
  path: (id) => `/api/3.0/mlflow/issues/${id}`,
  field: ['issue', 'experiment_id'],
  inPath: true,
});

/** A label schema (`schema_id`). */
export const labelSchema = experimentByLookup({
  name: 'label_schema',
  what: 'the experiment of label schema',
  path: (id) => `/api/3.0/mlflow/label-schemas/get?schema_id=${id}`,
  field: ['label_schema', 'experiment_id'],
});

/** A review queue (`queue_id`). */
export const reviewQueue = experimentByLookup({
  name: 'review_queue',
  what: 'the experiment of review queue',
  path: (id) => `/api/3.0/mlflow/review-queues/get?queue_id=${id}`,
  field: ['review_queue', 'experiment_id'],
});

/**
 * A background job (prompt optimization, scorer invocation, issue detection, evaluation): it carries the
 * permission of the experiment its parameters name (`params["experiment_id"]`, which MLflow's prompt-optimization
 * job route answers as `job.experiment_id` for any job). A job whose parameters name no experiment is for
 * administrators only.
 */
export const job = experimentByLookup({
  name: 'job',
  what: 'the experiment of job',
  path: (id) => `/api/3.0/mlflow/prompt-optimization/jobs/${id}`,
  field: ['job', 'experiment_id'],
  mayHaveNone: true,
  inPath: true,
});
