/**
 * Traces, evaluation datasets and bulk metric histories as a client sends them: the request, the resources it
 * names and the permission the policy requires on each (test/unit/mlflow/tracking-routes.test.ts). The route
 * coverage check (test/unit/pipeline/route-table.test.ts) counts these rows too.
 */
import type { Reference } from '../../src/mlflow/references.js';

export interface Request {
  readonly method: string;
  readonly path: string;
  readonly query?: string;
  readonly body?: Record<string, unknown>;
  readonly headers?: Record<string, string[]>;
  readonly otlp?: string[];
}

export interface Row {
  readonly request: Request;
  readonly operation: string;
  readonly references: readonly Reference[];
  readonly permission: 'READ' | 'EDIT' | 'MANAGE';
}

export const ref = (kind: Reference['kind'], value: string, ifExists = false): Reference =>
  ifExists ? { kind, value, ifExists: true } : { kind, value };

export const traceLocation = (id: string) => ({ mlflow_experiment: { experiment_id: id } });

export const TRACKING_ROWS: readonly Row[] = [
  // Bulk metric histories.
  {
    request: {
      method: 'GET',
      path: '/api/2.0/mlflow/metrics/get-history-bulk-interval',
      query: 'run_ids=r1&run_ids=r2&metric_key=loss',
    },
    operation: 'GetMetricHistoryBulkInterval',
    references: [ref('run', 'r1'), ref('run', 'r2')],
    permission: 'READ',
  },
  {
    request: {
      method: 'GET',
      path: '/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval',
      body: { run_ids: ['r3'], metric_key: 'loss' },
    },
    operation: 'GetMetricHistoryBulkInterval',
    references: [ref('run', 'r3')],
    permission: 'READ',
  },
  {
    request: {
      method: 'GET',
      path: '/ajax-api/2.0/mlflow/metrics/get-history-bulk',
      query: 'run_id=r1&run_id=r2&run_id=r1&metric_key=loss',
    },
    operation: 'GetMetricHistoryBulk',
    references: [ref('run', 'r1'), ref('run', 'r2')],
    permission: 'READ',
  },
  // Traces v2.
  {
    request: { method: 'POST', path: '/api/2.0/mlflow/traces', body: { experiment_id: '4' } },
    operation: 'StartTrace',
    references: [ref('experiment', '4')],
    permission: 'EDIT',
  },
  {
    request: { method: 'PATCH', path: '/api/2.0/mlflow/traces/tr-1', body: { status: 'OK' } },
    operation: 'EndTrace',
    references: [ref('trace', 'tr-1')],
    permission: 'EDIT',
  },
  {
    request: { method: 'GET', path: '/ajax-api/2.0/mlflow/traces/tr-1/info' },
    operation: 'GetTraceInfo',
    references: [ref('trace', 'tr-1')],
    permission: 'READ',
  },
  {
    request: { method: 'GET', path: '/api/2.0/mlflow/traces', query: 'experiment_ids=1&experiment_ids=2' },
    operation: 'SearchTraces',
    references: [ref('experiment', '1'), ref('experiment', '2')],
    permission: 'READ',
  },
  {
    request: {
      method: 'POST',
      path: '/api/2.0/mlflow/traces/delete-traces',
      body: { experiment_id: '1', request_ids: ['tr-9'] },
    },
    operation: 'DeleteTraces',
    references: [ref('experiment', '1')],
    permission: 'MANAGE',
  },
  {
    request: { method: 'PATCH', path: '/api/2.0/mlflow/traces/tr-1/tags', body: { key: 'k', value: 'v' } },
    operation: 'SetTraceTag',
    references: [ref('trace', 'tr-1')],
    permission: 'EDIT',
  },
  {
    request: { method: 'DELETE', path: '/api/2.0/mlflow/traces/tr-1/tags', body: { key: 'k' } },
    operation: 'DeleteTraceTag',
    references: [ref('trace', 'tr-1')],
    permission: 'EDIT',
  },
  {
    request: {
      method: 'POST',
      path: '/api/2.0/mlflow/traces/link-to-run',
      body: { run_id: 'r1', trace_ids: ['tr-1', 'tr-2'] },
    },
    operation: 'LinkTracesToRun',
    references: [ref('run', 'r1'), ref('trace', 'tr-1'), ref('trace', 'tr-2')],
    permission: 'EDIT',
  },
  {
    request: {
      method: 'POST',
      path: '/api/2.0/mlflow/traces/link-prompts',
      body: { traceId: 'tr-1', prompt_versions: [{ name: 'p', version: '1' }] },
    },
    operation: 'LinkPromptsToTrace',
    references: [ref('trace', 'tr-1')],
    permission: 'EDIT',
  },
  // Traces v3.
  {
    request: {
      method: 'POST',
      path: '/api/3.0/mlflow/traces',
      body: {
        trace: {
          trace_info: {
            trace_id: 'tr-1',
            trace_location: traceLocation('4'),
            trace_metadata: { 'mlflow.sourceRun': 'r1' },
          },
        },
      },
    },
    operation: 'StartTraceV3',
    references: [ref('experiment', '4'), ref('trace', 'tr-1', true), ref('run', 'r1')],
    permission: 'EDIT',
  },
  {
    request: {
      method: 'POST',
      path: '/ajax-api/3.0/mlflow/traces',
      body: { trace: { traceInfo: { traceId: 'tr-2', traceLocation: { mlflowExperiment: { experimentId: '5' } } } } },
    },
    operation: 'StartTraceV3',
    references: [ref('experiment', '5'), ref('trace', 'tr-2', true)],
    permission: 'EDIT',
  },
  {
    request: { method: 'GET', path: '/api/3.0/mlflow/traces/tr-1' },
    operation: 'GetTraceInfoV3',
    references: [ref('trace', 'tr-1')],
    permission: 'READ',
  },
  {
    request: { method: 'GET', path: '/api/3.0/mlflow/traces/get', query: 'trace_id=tr-1&allow_partial=true' },
    operation: 'GetTrace',
    references: [ref('trace', 'tr-1')],
    permission: 'READ',
  },
  {
    request: { method: 'GET', path: '/api/3.0/mlflow/traces/batchGet', query: 'trace_ids=tr-1&trace_ids=tr-2' },
    operation: 'BatchGetTraces',
    references: [ref('trace', 'tr-1'), ref('trace', 'tr-2')],
    permission: 'READ',
  },
  {
    request: { method: 'POST', path: '/api/3.0/mlflow/traces/batchGetInfos', body: { traceIds: ['tr-1'] } },
    operation: 'BatchGetTraceInfos',
    references: [ref('trace', 'tr-1')],
    permission: 'READ',
  },
  {
    request: {
      method: 'POST',
      path: '/api/3.0/mlflow/traces/search',
      body: {
        locations: [
          { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } },
          { type: 'INFERENCE_TABLE', inference_table: { full_table_name: 'a.b.c' } },
          { mlflowExperiment: { experimentId: '2' } },
        ],
        max_results: 10,
      },
    },
    operation: 'SearchTracesV3',
    references: [ref('experiment', '1'), ref('experiment', '2')],
    permission: 'READ',
  },
  {
    request: {
      method: 'POST',
      path: '/api/3.0/mlflow/traces/delete-traces',
      body: { experiment_id: '1', max_timestamp_millis: 5 },
    },
    operation: 'DeleteTracesV3',
    references: [ref('experiment', '1')],
    permission: 'MANAGE',
  },
  {
    request: { method: 'PATCH', path: '/api/3.0/mlflow/traces/tr-1/tags', body: { key: 'k', value: 'v' } },
    operation: 'SetTraceTagV3',
    references: [ref('trace', 'tr-1')],
    permission: 'EDIT',
  },
  {
    request: { method: 'DELETE', path: '/api/3.0/mlflow/traces/tr-1/tags', body: { key: 'k' } },
    operation: 'DeleteTraceTagV3',
    references: [ref('trace', 'tr-1')],
    permission: 'EDIT',
  },
  {
    request: {
      method: 'POST',
      path: '/api/3.0/mlflow/traces/calculate-filter-correlation',
      body: { experiment_ids: ['1'], filter_string1: 'a', filter_string2: 'b' },
    },
    operation: 'CalculateTraceFilterCorrelation',
    references: [ref('experiment', '1')],
    permission: 'READ',
  },
  {
    request: { method: 'POST', path: '/api/3.0/mlflow/traces/metrics', body: { experimentIds: ['1', '3'] } },
    operation: 'QueryTraceMetrics',
    references: [ref('experiment', '1'), ref('experiment', '3')],
    permission: 'READ',
  },
  {
    request: { method: 'POST', path: '/api/3.0/mlflow/traces/tr-1/assessments', body: { assessment: {} } },
    operation: 'CreateAssessment',
    references: [ref('trace', 'tr-1')],
    permission: 'EDIT',
  },
  {
    request: { method: 'GET', path: '/api/3.0/mlflow/traces/tr-1/assessments/a-1' },
    operation: 'GetAssessment',
    references: [ref('trace', 'tr-1')],
    permission: 'READ',
  },
  {
    request: { method: 'PATCH', path: '/api/3.0/mlflow/traces/tr-1/assessments/a-1', body: {} },
    operation: 'UpdateAssessment',
    references: [ref('trace', 'tr-1')],
    permission: 'EDIT',
  },
  {
    request: { method: 'DELETE', path: '/ajax-api/3.0/mlflow/traces/tr-1/assessments/a-1' },
    operation: 'DeleteAssessment',
    references: [ref('trace', 'tr-1')],
    permission: 'EDIT',
  },
  {
    request: { method: 'GET', path: '/ajax-api/2.0/mlflow/get-trace-artifact', query: 'request_id=tr-1' },
    operation: 'GetTraceArtifact',
    references: [ref('trace', 'tr-1')],
    permission: 'READ',
  },
  {
    request: { method: 'GET', path: '/ajax-api/3.0/mlflow/get-trace-artifact', query: 'request_id=tr-1&path=a.txt' },
    operation: 'GetTraceArtifact',
    references: [ref('trace', 'tr-1')],
    permission: 'READ',
  },
  {
    request: {
      method: 'POST',
      path: '/v1/traces',
      headers: { 'x-mlflow-experiment-id': ['4'], 'x-mlflow-run-id': ['r1'] },
      otlp: ['tr-a', 'tr-b'],
    },
    operation: 'ExportTraces',
    references: [ref('experiment', '4'), ref('run', 'r1'), ref('trace', 'tr-a', true), ref('trace', 'tr-b', true)],
    permission: 'EDIT',
  },
  // Evaluation datasets.
  {
    request: {
      method: 'POST',
      path: '/api/3.0/mlflow/datasets/create',
      body: { name: 'd', experiment_ids: ['1', '2'] },
    },
    operation: 'CreateDataset',
    references: [ref('experiment', '1'), ref('experiment', '2')],
    permission: 'EDIT',
  },
  {
    request: { method: 'POST', path: '/api/3.0/mlflow/datasets/search', body: { experiment_ids: ['1'] } },
    operation: 'SearchEvaluationDatasets',
    references: [ref('experiment', '1')],
    permission: 'READ',
  },
  {
    request: {
      method: 'GET',
      path: '/ajax-api/3.0/mlflow/datasets/search',
      query: 'experiment_ids=1&experiment_ids=2',
    },
    operation: 'SearchEvaluationDatasets',
    references: [ref('experiment', '1'), ref('experiment', '2')],
    permission: 'READ',
  },
  {
    request: { method: 'GET', path: '/api/3.0/mlflow/datasets/d-1' },
    operation: 'GetDataset',
    references: [ref('dataset', 'd-1')],
    permission: 'READ',
  },
  {
    request: { method: 'DELETE', path: '/api/3.0/mlflow/datasets/d-1' },
    operation: 'DeleteDataset',
    references: [ref('dataset', 'd-1')],
    permission: 'MANAGE',
  },
  {
    request: { method: 'PATCH', path: '/api/3.0/mlflow/datasets/d-1/tags', body: { tags: '{}' } },
    operation: 'SetDatasetTags',
    references: [ref('dataset', 'd-1')],
    permission: 'EDIT',
  },
  {
    request: { method: 'DELETE', path: '/api/3.0/mlflow/datasets/d-1/tags/owner' },
    operation: 'DeleteDatasetTag',
    references: [ref('dataset', 'd-1')],
    permission: 'EDIT',
  },
  {
    request: { method: 'POST', path: '/api/3.0/mlflow/datasets/d-1/records', body: { records: '[]' } },
    operation: 'UpsertDatasetRecords',
    references: [ref('dataset', 'd-1')],
    permission: 'EDIT',
  },
  {
    request: { method: 'GET', path: '/api/3.0/mlflow/datasets/d-1/records', query: 'max_results=5' },
    operation: 'GetDatasetRecords',
    references: [ref('dataset', 'd-1')],
    permission: 'READ',
  },
  {
    request: { method: 'DELETE', path: '/api/3.0/mlflow/datasets/d-1/records', body: { dataset_record_ids: ['x'] } },
    operation: 'DeleteDatasetRecords',
    references: [ref('dataset', 'd-1')],
    permission: 'EDIT',
  },
  {
    request: { method: 'GET', path: '/api/3.0/mlflow/datasets/d-1/experiment-ids' },
    operation: 'GetDatasetExperimentIds',
    references: [ref('dataset', 'd-1')],
    permission: 'READ',
  },
  {
    request: {
      method: 'POST',
      path: '/api/3.0/mlflow/datasets/d-1/add-experiments',
      body: { experiment_ids: ['7'] },
    },
    operation: 'AddDatasetToExperiments',
    references: [ref('dataset', 'd-1'), ref('experiment', '7')],
    permission: 'EDIT',
  },
  {
    request: {
      method: 'POST',
      path: '/api/3.0/mlflow/datasets/d-1/remove-experiments',
      body: { experiment_ids: ['7'] },
    },
    operation: 'RemoveDatasetFromExperiments',
    references: [ref('dataset', 'd-1')],
    permission: 'EDIT',
  },
];
