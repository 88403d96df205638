/**
 * GenAI routes (h/genai) as a client sends them: the request, the resources it names and what the shipped policy
 * requires (test/unit/mlflow/genai-routes.test.ts): a level on every resource the references resolve to (with
 * test/unit/mlflow/genai-routes.test.ts's fake MLflow), or `admin` (administrators only). The route coverage check (test/unit/pipeline/route-table.test.ts) counts these rows too.
 */
import type { Reference } from '../../src/mlflow/references.js';
import { type Request, ref } from './tracking-rows.js';

export interface GenaiRow {
  readonly request: Request;
  readonly operation: string;
  readonly references: readonly Reference[];
  readonly permission: 'READ' | 'EDIT' | 'MANAGE' | 'admin';
}

const A3 = '/api/3.0/mlflow';
const X3 = '/ajax-api/3.0/mlflow';
const JOBS = '/ajax-api/3.0/jobs';

const row = (
  method: string,
  path: string,
  where: Partial<Pick<Request, 'query' | 'body'>>,
  operation: string,
  references: readonly Reference[],
  permission: GenaiRow['permission'],
): GenaiRow => ({ request: { method, path, ...where }, operation, references, permission });

const E = (id: string): Reference => ref('experiment', id);

export const GENAI_ROWS: readonly GenaiRow[] = [
  // Scorers and online scoring.
  row(
    'POST',
    `${A3}/scorers/register`,
    { body: { experiment_id: '1', name: 's', serialized_scorer: '{}' } },
    'RegisterScorer',
    [E('1')],
    'EDIT',
  ),
  row(
    'POST',
    `${X3}/scorers/register`,
    { body: { experimentId: '2', name: 's', serialized_scorer: '{}' } },
    'RegisterScorer',
    [E('2')],
    'EDIT',
  ),
  row('GET', `${A3}/scorers/list`, { query: 'experiment_id=1' }, 'ListScorers', [E('1')], 'READ'),
  row(
    'GET',
    `${X3}/scorers/list`,
    { query: 'experiment_ids=1&experiment_ids=2' },
    'ListScorers',
    [E('1'), E('2')],
    'READ',
  ),
  row('GET', `${A3}/scorers/versions`, { query: 'experiment_id=3&name=s' }, 'ListScorerVersions', [E('3')], 'READ'),
  row('GET', `${A3}/scorers/get`, { query: 'experiment_id=3&name=s&version=1' }, 'GetScorer', [E('3')], 'READ'),
  row(
    'DELETE',
    `${A3}/scorers/delete`,
    { body: { experiment_id: '3', name: 's' } },
    'DeleteScorer',
    [E('3')],
    'MANAGE',
  ),
  row(
    'GET',
    `${A3}/scorers/online-configs`,
    { query: 'scorer_ids=sc-1&scorer_ids=sc-2' },
    'GetOnlineScoringConfigs',
    [ref('scorer_config', 'sc-1', true), ref('scorer_config', 'sc-2', true)],
    'READ',
  ),
  row(
    'PUT',
    `${X3}/scorers/online-config`,
    { body: { experiment_id: '4', name: 's', sample_rate: 0.5 } },
    'UpsertOnlineScoringConfig',
    [E('4')],
    'EDIT',
  ),
  row(
    'POST',
    `${X3}/scorer/invoke`,
    { body: { experiment_id: '4', serialized_scorer: '{}', trace_ids: ['tr-1'] } },
    'InvokeScorer',
    [E('4')],
    'EDIT',
  ),
  // Issues.
  row(
    'POST',
    `${A3}/issues`,
    { body: { experiment_id: '5', name: 'i', description: 'd' } },
    'CreateIssue',
    [E('5')],
    'EDIT',
  ),
  row('GET', `${A3}/issues/iss-1`, {}, 'GetIssue', [ref('issue', 'iss-1')], 'READ'),
  row(
    'PATCH',
    `${X3}/issues/iss-1`,
    { body: { issue_id: 'iss-1', name: 'n' } },
    'UpdateIssue',
    [ref('issue', 'iss-1')],
    'EDIT',
  ),
  row('POST', `${A3}/issues/search`, { body: { experiment_id: '5' } }, 'SearchIssues', [E('5')], 'READ'),
  row(
    'POST',
    `${X3}/issues/invoke`,
    { body: { experiment_id: '5', trace_ids: ['tr-1'], categories: [], provider: 'openai', model: 'm' } },
    'InvokeIssueDetection',
    [E('5')],
    'EDIT',
  ),
  row(
    'POST',
    `${X3}/issues/invoke`,
    { body: { experiment_id: '5', secret_id: 'sec-1', endpoint_name: 'ep' } },
    'InvokeIssueDetection',
    [E('5'), ref('gateway_reference', 'sec-1'), ref('gateway_reference', 'ep')],
    'admin',
  ),
  // Label schemas.
  row(
    'POST',
    `${A3}/label-schemas/create`,
    { body: { experiment_id: '6', name: 'l' } },
    'CreateLabelSchema',
    [E('6')],
    'MANAGE',
  ),
  row(
    'GET',
    `${A3}/label-schemas/get`,
    { query: 'schema_id=ls-1' },
    'GetLabelSchema',
    [ref('label_schema', 'ls-1')],
    'READ',
  ),
  row(
    'GET',
    `${A3}/label-schemas/get-by-name`,
    { query: 'experiment_id=6&name=l' },
    'GetLabelSchemaByName',
    [E('6')],
    'READ',
  ),
  row('GET', `${X3}/label-schemas/list`, { query: 'experiment_id=6' }, 'ListLabelSchemas', [E('6')], 'READ'),
  row(
    'PATCH',
    `${A3}/label-schemas/update`,
    { body: { schema_id: 'ls-1', name: 'm' } },
    'UpdateLabelSchema',
    [ref('label_schema', 'ls-1')],
    'MANAGE',
  ),
  row(
    'DELETE',
    `${A3}/label-schemas/delete`,
    { body: { schema_id: 'ls-1' } },
    'DeleteLabelSchema',
    [ref('label_schema', 'ls-1')],
    'MANAGE',
  ),
  // Review queues.
  row(
    'POST',
    `${A3}/review-queues/create`,
    { body: { experiment_id: '7', name: 'q', queue_type: 'CUSTOM' } },
    'CreateReviewQueue',
    [E('7')],
    'EDIT',
  ),
  row(
    'POST',
    `${A3}/review-queues/get-or-create-user`,
    { body: { experiment_id: '7', user: 'bob' } },
    'GetOrCreateUserQueue',
    [E('7')],
    'EDIT',
  ),
  row(
    'GET',
    `${A3}/review-queues/get`,
    { query: 'queue_id=rq-1' },
    'GetReviewQueue',
    [ref('review_queue', 'rq-1')],
    'READ',
  ),
  row(
    'GET',
    `${A3}/review-queues/get-by-name`,
    { query: 'experiment_id=7&name=q' },
    'GetReviewQueueByName',
    [E('7')],
    'READ',
  ),
  row('GET', `${X3}/review-queues/list`, { query: 'experiment_id=7' }, 'ListReviewQueues', [E('7')], 'READ'),
  row(
    'POST',
    `${A3}/review-queues/update`,
    { body: { queue_id: 'rq-1', name: 'r' } },
    'UpdateReviewQueue',
    [ref('review_queue', 'rq-1')],
    'MANAGE',
  ),
  row(
    'POST',
    `${A3}/review-queues/delete`,
    { body: { queue_id: 'rq-1' } },
    'DeleteReviewQueue',
    [ref('review_queue', 'rq-1')],
    'MANAGE',
  ),
  row(
    'POST',
    `${A3}/review-queues/items/add`,
    { body: { queue_id: 'rq-1', item_ids: ['tr-1'] } },
    'AddItemsToReviewQueue',
    [ref('review_queue', 'rq-1')],
    'EDIT',
  ),
  row(
    'POST',
    `${A3}/review-queues/items/remove`,
    { body: { queueId: 'rq-1', item_ids: ['i-1'] } },
    'RemoveItemsFromReviewQueue',
    [ref('review_queue', 'rq-1')],
    'MANAGE',
  ),
  row(
    'GET',
    `${A3}/review-queues/items/list`,
    { query: 'queue_id=rq-1' },
    'ListReviewQueueItems',
    [ref('review_queue', 'rq-1')],
    'READ',
  ),
  row(
    'POST',
    `${A3}/review-queues/items/set-status`,
    { body: { queue_id: 'rq-1', item_id: 'i-1', status: 'COMPLETED' } },
    'SetReviewQueueItemStatus',
    [ref('review_queue', 'rq-1')],
    'EDIT',
  ),
  // Prompt optimization.
  row(
    'POST',
    `${A3}/prompt-optimization/jobs`,
    {
      body: {
        experiment_id: '8',
        source_prompt_uri: 'prompts:/qa@prod',
        config: { dataset_id: 'd-1', optimizer_config_json: '{"reflection_model": "openai:/gpt"}' },
      },
    },
    'CreatePromptOptimizationJob',
    [
      E('8'),
      { kind: 'source_prompt', value: 'prompts:/qa@prod', permission: 'READ' },
      { kind: 'dataset', value: 'd-1', permission: 'READ' },
    ],
    'EDIT',
  ),
  row(
    'POST',
    `${X3}/prompt-optimization/jobs`,
    {
      body: {
        experimentId: '8',
        sourcePromptUri: 'qa',
        config: { optimizerConfigJson: '{"reflection_model": "gateway:/ep"}' },
      },
    },
    'CreatePromptOptimizationJob',
    [E('8'), { kind: 'source_prompt', value: 'qa', permission: 'READ' }, ref('gateway_reference', 'ep')],
    'admin',
  ),
  row('GET', `${A3}/prompt-optimization/jobs/j-1`, {}, 'GetPromptOptimizationJob', [ref('job', 'j-1')], 'READ'),
  row(
    'POST',
    `${A3}/prompt-optimization/jobs/search`,
    { body: { experiment_id: '8' } },
    'SearchPromptOptimizationJobs',
    [E('8')],
    'READ',
  ),
  row(
    'GET',
    `${X3}/prompt-optimization/jobs/search`,
    { query: 'experiment_id=8' },
    'SearchPromptOptimizationJobs',
    [E('8')],
    'READ',
  ),
  row(
    'POST',
    `${A3}/prompt-optimization/jobs/j-1/cancel`,
    {},
    'CancelPromptOptimizationJob',
    [ref('job', 'j-1')],
    'EDIT',
  ),
  row('DELETE', `${A3}/prompt-optimization/jobs/j-1`, {}, 'DeletePromptOptimizationJob', [ref('job', 'j-1')], 'MANAGE'),
  // Jobs.
  row('GET', `${X3}/jobs/j-2`, {}, 'GetJob', [ref('job', 'j-2')], 'READ'),
  row('PATCH', `${X3}/jobs/cancel/j-2`, {}, 'CancelJob', [ref('job', 'j-2')], 'EDIT'),
  row('GET', `${JOBS}/j-3`, {}, 'GetJob', [ref('job', 'j-3')], 'READ'),
  row('PATCH', `${JOBS}/cancel/j-3`, {}, 'CancelJob', [ref('job', 'j-3')], 'EDIT'),
  row(
    'POST',
    `${JOBS}/`,
    { body: { job_name: 'invoke_scorer', params: { experiment_id: '9' } } },
    'SubmitJob',
    [],
    'admin',
  ),
  row(
    'POST',
    `${JOBS}/search`,
    { body: { job_name: 'optimize_prompts', params: { experiment_id: '9' } } },
    'SearchJobs',
    [E('9')],
    'READ',
  ),
  row(
    'POST',
    `${X3}/genai/evaluate/invoke`,
    { body: { experiment_id: '9', trace_ids: ['tr-1'], serialized_scorers: ['{}'] } },
    'InvokeGenaiEvaluate',
    [E('9')],
    'EDIT',
  ),
  // Demo data and routes MLflow does not implement.
  row('POST', `${X3}/demo/generate`, { body: {} }, 'GenerateDemo', [], 'admin'),
  row('POST', `${X3}/demo/delete`, { body: {} }, 'DeleteDemo', [], 'admin'),
  row('GET', '/api/2.0/mlflow/unified-traces', {}, 'SearchUnifiedTraces', [], 'admin'),
  row('GET', '/ajax-api/2.0/mlflow/get-online-trace-details', {}, 'GetOnlineTraceDetails', [], 'admin'),
  row('POST', '/api/2.0mlflow/experiments/search-datasets', { body: {} }, 'SearchDatasetsUnprefixed', [], 'admin'),
];
