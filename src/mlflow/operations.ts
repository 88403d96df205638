/**
 * MLflow operation names: the one list shared by the route catalogue (every route names one) and the policy's
 * operations table (policies/mlgate/operations/operations.rego). A test checks that the two map one to one.
 */
export const OPERATIONS = [
  // Server.
  'Health',
  'Version',
  'ServerInfo',
  // Experiments.
  'CreateExperiment',
  'GetExperiment',
  'GetExperimentByName',
  'SearchExperiments',
  'UpdateExperiment',
  'DeleteExperiment',
  'RestoreExperiment',
  'SetExperimentTag',
  'DeleteExperimentTag',
  'SearchDatasets',
  // Runs.
  'CreateRun',
  'CreatePromptLabRun',
  'GetRun',
  'UpdateRun',
  'DeleteRun',
  'RestoreRun',
  'LogMetric',
  'LogParam',
  'SetTag',
  'DeleteTag',
  'LogBatch',
  'LogModel',
  'LogInputs',
  'LogOutputs',
  'SearchRuns',
  'GetMetricHistory',
  // Web UI and GraphQL (h/ui). ListArtifacts and GetMetricHistoryBulkInterval are GraphQL fields here; their REST
  // routes belong to other families.
  'WebUi',
  'WebUiAsset',
  'GetUiTelemetry',
  'PostUiTelemetry',
  'ListGatewayProxyEndpoints',
  'InvokeGatewayProxy',
  'GraphQL',
  'GraphQLEcho',
  'GraphQLIntrospection',
  'ListArtifacts',
  'GetMetricHistoryBulkInterval',
] as const;

export type OperationName = (typeof OPERATIONS)[number];
