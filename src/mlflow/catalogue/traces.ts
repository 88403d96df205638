/**
 * Traces (v2 by `request_id`, v3 by `trace_id`), their tags and assessments, trace searches and metrics, the web
 * UI's trace-artifact route and OTLP ingest. A trace carries the permission of the experiment it is in now.
 *
 * The same path means another RPC under 2.0 and 3.0 (POST /mlflow/traces, delete-traces, tags): each prefix has
 * its own row. The searches (SearchTraces, SearchTracesV3) leave out the experiments the caller may not read, as
 * SearchRuns does (or refuse them: unreadable_search_targets); the trace metrics and correlation routes require READ
 * on every experiment they name.
 */
import { API_2, API_3, EXPERIMENT, ROOT, RUN, route, type RouteSpec, type TargetSpec } from '../route-spec.js';

const TRACE_V2: TargetSpec = { resource: 'trace', names: ['request_id'], in: 'path', required: true };
const TRACE_V3: TargetSpec = { resource: 'trace', names: ['trace_id'], in: 'path', required: true };
const TRACES: TargetSpec = { resource: 'trace', names: ['trace_ids'], shape: 'list' };
const EXPERIMENTS: TargetSpec = { resource: 'experiment', names: ['experiment_ids'], shape: 'list' };
const TRACE_INFO = ['trace', 'trace_info'];

/**
 * StartTraceV3 creates the trace in the body's experiment or, when a trace with this id exists (the Python
 * client's exporter logs spans first, then calls it), updates it and moves it there. So EDIT is required on the
 * body's experiment and, when the trace exists, on the experiment it is in now; a source run named in the
 * metadata must be one the caller may edit too.
 */
const START_TRACE_V3 = route('StartTraceV3', 'POST', '/mlflow/traces', API_3, [
  {
    resource: 'experiment',
    names: ['experiment_id'],
    within: [...TRACE_INFO, 'trace_location', 'mlflow_experiment'],
    required: true,
  },
  { resource: 'trace', names: ['trace_id'], within: TRACE_INFO, ifExists: true },
  { resource: 'run', names: ['mlflow.sourceRun'], within: [...TRACE_INFO, 'trace_metadata'] },
]);

/**
 * OTLP ingest (FastAPI): new traces go to the X-Mlflow-Experiment-Id experiment, spans of traces that exist go to
 * those traces wherever they are, and X-Mlflow-Run-Id links the finished traces to that run.
 */
const EXPORT_TRACES = route(
  'ExportTraces',
  'POST',
  '/v1/traces',
  ROOT,
  [
    { resource: 'experiment', names: ['x-mlflow-experiment-id'], in: 'header', required: true },
    { resource: 'run', names: ['x-mlflow-run-id'], in: 'header' },
    { resource: 'trace', names: ['trace_id'], in: 'otlp', ifExists: true },
  ],
  { framework: 'fastapi', body: 'otlp' },
);

export const TRACE_ROUTES: readonly RouteSpec[] = [
  // v2 (deprecated in MLflow, still served).
  route('StartTrace', 'POST', '/mlflow/traces', API_2, [EXPERIMENT]),
  route('EndTrace', 'PATCH', '/mlflow/traces/<request_id>', API_2, [TRACE_V2]),
  route('GetTraceInfo', 'GET', '/mlflow/traces/<request_id>/info', API_2, [TRACE_V2]),
  // Its experiments are repeated `experiment_ids=` pairs of the query string: the unreadable ones are cut out.
  route('SearchTraces', 'GET', '/mlflow/traces', API_2, [EXPERIMENTS], { handling: 'drop-unreadable-targets' }),
  route('DeleteTraces', 'POST', '/mlflow/traces/delete-traces', API_2, [EXPERIMENT]),
  route('SetTraceTag', 'PATCH', '/mlflow/traces/<request_id>/tags', API_2, [TRACE_V2]),
  route('DeleteTraceTag', 'DELETE', '/mlflow/traces/<request_id>/tags', API_2, [TRACE_V2]),
  route('LinkTracesToRun', 'POST', '/mlflow/traces/link-to-run', API_2, [RUN, TRACES]),
  route('LinkPromptsToTrace', 'POST', '/mlflow/traces/link-prompts', API_2, [
    { resource: 'trace', names: ['trace_id'], required: true },
  ]),
  // v3.
  START_TRACE_V3,
  route('GetTraceInfoV3', 'GET', '/mlflow/traces/<trace_id>', API_3, [TRACE_V3]),
  route('GetTrace', 'GET', '/mlflow/traces/get', API_3, [{ resource: 'trace', names: ['trace_id'], required: true }]),
  route('BatchGetTraces', 'GET', '/mlflow/traces/batchGet', API_3, [TRACES]),
  route('BatchGetTraceInfos', 'POST', '/mlflow/traces/batchGetInfos', API_3, [TRACES]),
  route(
    'SearchTracesV3',
    'POST',
    '/mlflow/traces/search',
    API_3,
    [{ resource: 'experiment', names: ['experiment_id'], shape: { each: 'locations', within: ['mlflow_experiment'] } }],
    { handling: 'drop-unreadable-targets' },
  ),
  route('DeleteTracesV3', 'POST', '/mlflow/traces/delete-traces', API_3, [EXPERIMENT]),
  route('SetTraceTagV3', 'PATCH', '/mlflow/traces/<trace_id>/tags', API_3, [TRACE_V3]),
  route('DeleteTraceTagV3', 'DELETE', '/mlflow/traces/<trace_id>/tags', API_3, [TRACE_V3]),
  route('CalculateTraceFilterCorrelation', 'POST', '/mlflow/traces/calculate-filter-correlation', API_3, [EXPERIMENTS]),
  route('QueryTraceMetrics', 'POST', '/mlflow/traces/metrics', API_3, [EXPERIMENTS]),
  // Assessments: MLflow reads and writes them within the trace of the path.
  route('CreateAssessment', 'POST', '/mlflow/traces/<trace_id>/assessments', API_3, [TRACE_V3]),
  route('GetAssessment', 'GET', '/mlflow/traces/<trace_id>/assessments/<assessment_id>', API_3, [TRACE_V3]),
  route('UpdateAssessment', 'PATCH', '/mlflow/traces/<trace_id>/assessments/<assessment_id>', API_3, [TRACE_V3]),
  route('DeleteAssessment', 'DELETE', '/mlflow/traces/<trace_id>/assessments/<assessment_id>', API_3, [TRACE_V3]),
  // The web UI's span data (a Flask handler reading request.args).
  route(
    'GetTraceArtifact',
    'GET',
    '/mlflow/get-trace-artifact',
    ['/ajax-api/2.0', '/ajax-api/3.0'],
    [{ resource: 'trace', names: ['request_id'], in: 'query', required: true }],
  ),
  EXPORT_TRACES,
];
