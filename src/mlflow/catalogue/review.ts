/**
 * GenAI review (h/genai): issues, label schemas and review queues. Each lives in one experiment and carries its
 * permission; objects named by id are looked up in MLflow for their experiment. MLflow's auth adds queue
 * membership and ownership rules that need its own user records (`created_by` is only stamped when MLflow's auth
 * runs, so behind mlgate no queue has an owner); mlgate decides by the experiment alone. See
 * docs/routes-genai.md.
 */
import { API_3, EXPERIMENT, route, type RouteSpec, type TargetSpec } from '../route-spec.js';

const AJAX_3: readonly string[] = [API_3[1] as string];

const ISSUE: TargetSpec = { resource: 'issue', names: ['issue_id'], in: 'path', required: true };
const SCHEMA: TargetSpec = { resource: 'label_schema', names: ['schema_id'], required: true };
const QUEUE: TargetSpec = { resource: 'review_queue', names: ['queue_id'], required: true };

export const REVIEW_ROUTES: readonly RouteSpec[] = [
  // Issues.
  route('CreateIssue', 'POST', '/mlflow/issues', API_3, [EXPERIMENT]),
  route('GetIssue', 'GET', '/mlflow/issues/<issue_id>', API_3, [ISSUE]),
  route('UpdateIssue', 'PATCH', '/mlflow/issues/<issue_id>', API_3, [ISSUE]),
  // Without an experiment MLflow searches every experiment's issues: refused to non-administrators (no-targets).
  route('SearchIssues', 'POST', '/mlflow/issues/search', API_3, [{ resource: 'experiment', names: ['experiment_id'] }]),
  // Runs issue detection on the experiment's traces (MLflow checks they are in it) with the server's model
  // credentials; a gateway secret or endpoint it names is for administrators only (gateway-reference.ts).
  route('InvokeIssueDetection', 'POST', '/mlflow/issues/invoke', AJAX_3, [
    { resource: 'experiment', names: ['experiment_id'], in: 'json', required: true },
    { resource: 'gateway_reference', names: ['secret_id'], in: 'json' },
    { resource: 'gateway_reference', names: ['endpoint_name'], in: 'json' },
  ]),
  // Label schemas.
  route('CreateLabelSchema', 'POST', '/mlflow/label-schemas/create', API_3, [EXPERIMENT]),
  route('GetLabelSchema', 'GET', '/mlflow/label-schemas/get', API_3, [SCHEMA]),
  route('GetLabelSchemaByName', 'GET', '/mlflow/label-schemas/get-by-name', API_3, [EXPERIMENT]),
  route('ListLabelSchemas', 'GET', '/mlflow/label-schemas/list', API_3, [EXPERIMENT]),
  route('UpdateLabelSchema', 'PATCH', '/mlflow/label-schemas/update', API_3, [SCHEMA]),
  route('DeleteLabelSchema', 'DELETE', '/mlflow/label-schemas/delete', API_3, [SCHEMA]),
  // Review queues.
  route('CreateReviewQueue', 'POST', '/mlflow/review-queues/create', API_3, [EXPERIMENT]),
  route('GetOrCreateUserQueue', 'POST', '/mlflow/review-queues/get-or-create-user', API_3, [EXPERIMENT]),
  route('GetReviewQueue', 'GET', '/mlflow/review-queues/get', API_3, [QUEUE]),
  route('GetReviewQueueByName', 'GET', '/mlflow/review-queues/get-by-name', API_3, [EXPERIMENT]),
  route('ListReviewQueues', 'GET', '/mlflow/review-queues/list', API_3, [EXPERIMENT]),
  route('UpdateReviewQueue', 'POST', '/mlflow/review-queues/update', API_3, [QUEUE]),
  route('DeleteReviewQueue', 'POST', '/mlflow/review-queues/delete', API_3, [QUEUE]),
  route('AddItemsToReviewQueue', 'POST', '/mlflow/review-queues/items/add', API_3, [QUEUE]),
  route('RemoveItemsFromReviewQueue', 'POST', '/mlflow/review-queues/items/remove', API_3, [QUEUE]),
  route('ListReviewQueueItems', 'GET', '/mlflow/review-queues/items/list', API_3, [QUEUE]),
  route('SetReviewQueueItemStatus', 'POST', '/mlflow/review-queues/items/set-status', API_3, [QUEUE]),
];
