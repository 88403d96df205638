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
  // Logged models (h/artifacts).
  'CreateLoggedModel',
  'GetLoggedModel',
  'FinalizeLoggedModel',
  'DeleteLoggedModel',
  'SearchLoggedModels',
  'SetLoggedModelTags',
  'DeleteLoggedModelTag',
  'LogLoggedModelParams',
  'ListLoggedModelArtifacts',
  'GetLoggedModelArtifact',
  // Artifacts (h/artifacts): of runs and logged models, and the proxied artifact store.
  'ListArtifacts',
  'GetArtifact',
  'UploadRunArtifact',
  'CreatePresignedUploadUrl',
  'CreatePresignedDownloadUrl',
  'ListArtifactsMlflowArtifacts',
  'DownloadArtifact',
  'UploadArtifact',
  'DeleteArtifact',
  'CreateMultipartUpload',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
  'GetPresignedDownloadUrl',
] as const;

export type OperationName = (typeof OPERATIONS)[number];
