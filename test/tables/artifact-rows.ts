/**
 * Logged-model and artifact routes as a client sends them: the request, the operation and the permission the
 * policy requires on each resource it names (test/unit/mlflow/artifact-routes.test.ts). The route coverage check
 * (test/unit/pipeline/route-table.test.ts) counts these rows too.
 */
export const RUN = '0123456789abcdef0123456789abcdef';
export const RUN2 = 'fedcba9876543210fedcba9876543210';
export const MODEL = 'm-0123456789abcdef0123456789abcdef';

export type Case = [
  method: string,
  url: string,
  body: Record<string, unknown> | undefined,
  operation: string,
  named: string[],
];

export const ARTIFACT_CASES: readonly Case[] = [
  // Logged models.
  ['POST', '/api/2.0/mlflow/logged-models', { experiment_id: '3' }, 'CreateLoggedModel', ['experiment:3=EDIT']],
  [
    'POST',
    '/api/2.0/mlflow/logged-models',
    { experiment_id: '3', source_run_id: RUN },
    'CreateLoggedModel',
    ['experiment:3=EDIT', `run:${RUN}=READ`],
  ],
  ['GET', `/api/2.0/mlflow/logged-models/${MODEL}`, undefined, 'GetLoggedModel', [`logged_model:${MODEL}=READ`]],
  [
    'GET',
    `/ajax-api/2.0/mlflow/logged-models/${MODEL}?allow_deleted=true`,
    undefined,
    'GetLoggedModel',
    [`logged_model:${MODEL}=READ`],
  ],
  [
    'PATCH',
    `/api/2.0/mlflow/logged-models/${MODEL}`,
    { model_id: 'm-other', status: 2 },
    'FinalizeLoggedModel',
    [`logged_model:${MODEL}=EDIT`, 'logged_model:m-other=EDIT'],
  ],
  [
    'DELETE',
    `/api/2.0/mlflow/logged-models/${MODEL}`,
    undefined,
    'DeleteLoggedModel',
    [`logged_model:${MODEL}=MANAGE`],
  ],
  [
    'POST',
    '/api/2.0/mlflow/logged-models/search',
    { experiment_ids: ['1', '2'] },
    'SearchLoggedModels',
    ['experiment:1=READ', 'experiment:2=READ'],
  ],
  [
    'PATCH',
    `/api/2.0/mlflow/logged-models/${MODEL}/tags`,
    { tags: [] },
    'SetLoggedModelTags',
    [`logged_model:${MODEL}=EDIT`],
  ],
  [
    'DELETE',
    `/api/2.0/mlflow/logged-models/${MODEL}/tags/k`,
    undefined,
    'DeleteLoggedModelTag',
    [`logged_model:${MODEL}=MANAGE`],
  ],
  [
    'POST',
    `/api/2.0/mlflow/logged-models/${MODEL}/params`,
    { model_id: MODEL, params: [] },
    'LogLoggedModelParams',
    [`logged_model:${MODEL}=EDIT`],
  ],
  [
    'GET',
    `/api/2.0/mlflow/logged-models/${MODEL}/artifacts/directories?artifact_directory_path=sub`,
    undefined,
    'ListLoggedModelArtifacts',
    [`logged_model:${MODEL}=READ`],
  ],
  [
    'GET',
    `/ajax-api/2.0/mlflow/logged-models/${MODEL}/artifacts/files?artifact_file_path=MLmodel`,
    undefined,
    'GetLoggedModelArtifact',
    [`logged_model:${MODEL}=READ`],
  ],
  // Artifacts of a run or logged model, named by id.
  ['GET', `/api/2.0/mlflow/artifacts/list?run_id=${RUN}&path=model`, undefined, 'ListArtifacts', [`run:${RUN}=READ`]],
  ['GET', `/get-artifact?run_uuid=${RUN}&path=model/MLmodel`, undefined, 'GetArtifact', [`run:${RUN}=READ`]],
  [
    'POST',
    `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${RUN}&path=a.txt`,
    undefined,
    'UploadRunArtifact',
    [`run:${RUN}=EDIT`],
  ],
  [
    'POST',
    '/api/2.0/mlflow/artifacts/presigned-upload-url',
    { model_id: MODEL, path: 'a.bin' },
    'CreatePresignedUploadUrl',
    [`logged_model:${MODEL}=EDIT`],
  ],
  [
    'POST',
    '/api/2.0/mlflow/artifacts/presigned-download-url',
    { run_id: RUN, path: 'a.bin' },
    'CreatePresignedDownloadUrl',
    [`run:${RUN}=READ`],
  ],
  // The proxied artifact root: the path names the experiment and the run or model.
  [
    'GET',
    `/api/2.0/mlflow-artifacts/artifacts?path=3/${RUN}/artifacts/model`,
    undefined,
    'ListArtifactsMlflowArtifacts',
    ['experiment:3=READ', `run:${RUN}=READ`],
  ],
  [
    'GET',
    '/api/2.0/mlflow-artifacts/artifacts?path=3',
    undefined,
    'ListArtifactsMlflowArtifacts',
    ['experiment:3=READ'],
  ],
  ['GET', '/api/2.0/mlflow-artifacts/artifacts', undefined, 'ListArtifactsMlflowArtifacts', []],
  [
    'GET',
    `/api/2.0/mlflow-artifacts/artifacts/3/${RUN}/artifacts/model/MLmodel`,
    undefined,
    'DownloadArtifact',
    ['experiment:3=READ', `run:${RUN}=READ`],
  ],
  [
    'GET',
    `/ajax-api/2.0/mlflow-artifacts/artifacts/3/models/${MODEL}/artifacts/MLmodel`,
    undefined,
    'DownloadArtifact',
    ['experiment:3=READ', `logged_model:${MODEL}=READ`],
  ],
  [
    'PUT',
    `/api/2.0/mlflow-artifacts/artifacts/3/${RUN}/artifacts/a.txt`,
    undefined,
    'UploadArtifact',
    ['experiment:3=EDIT', `run:${RUN}=EDIT`],
  ],
  [
    'PUT',
    `/api/2.0/mlflow-artifacts/artifacts/3/models/${MODEL}/artifacts/python_model.pkl`,
    undefined,
    'UploadArtifact',
    ['experiment:3=EDIT', `logged_model:${MODEL}=EDIT`],
  ],
  // A run of another experiment than the path's: both are named, both are checked.
  [
    'PUT',
    `/api/2.0/mlflow-artifacts/artifacts/4/${RUN2}/artifacts/a.txt`,
    undefined,
    'UploadArtifact',
    ['experiment:4=EDIT', `run:${RUN2}=EDIT`],
  ],
  // Writes outside a run's or model's artifacts folder name nothing (refused to non-admins: no-targets).
  ['PUT', `/api/2.0/mlflow-artifacts/artifacts/3/${RUN}`, undefined, 'UploadArtifact', []],
  ['PUT', '/api/2.0/mlflow-artifacts/artifacts/3/a.txt', undefined, 'UploadArtifact', []],
  ['PUT', `/api/2.0/mlflow-artifacts/artifacts/3/traces/tr-1/artifacts/traces.json`, undefined, 'UploadArtifact', []],
  ['DELETE', '/api/2.0/mlflow-artifacts/artifacts/3', undefined, 'DeleteArtifact', []],
  [
    'DELETE',
    `/api/2.0/mlflow-artifacts/artifacts/3/${RUN}/artifacts/a.txt`,
    undefined,
    'DeleteArtifact',
    ['experiment:3=EDIT', `run:${RUN}=EDIT`],
  ],
  [
    'POST',
    `/api/2.0/mlflow-artifacts/mpu/create/3/${RUN}/artifacts`,
    { path: '/tmp/x/big.bin', num_parts: 2 },
    'CreateMultipartUpload',
    ['experiment:3=EDIT', `run:${RUN}=EDIT`],
  ],
  [
    'POST',
    `/api/2.0/mlflow-artifacts/mpu/complete/3/${RUN}/artifacts/sub`,
    { path: '/tmp/x/big.bin', upload_id: 'u', parts: [] },
    'CompleteMultipartUpload',
    ['experiment:3=EDIT', `run:${RUN}=EDIT`],
  ],
  [
    'POST',
    `/api/2.0/mlflow-artifacts/mpu/abort/3/${RUN}/artifacts`,
    { path: 'big.bin', upload_id: 'u' },
    'AbortMultipartUpload',
    ['experiment:3=EDIT', `run:${RUN}=EDIT`],
  ],
  [
    'GET',
    `/api/2.0/mlflow-artifacts/presigned/3/${RUN}/artifacts/big.bin`,
    undefined,
    'GetPresignedDownloadUrl',
    ['experiment:3=READ', `run:${RUN}=READ`],
  ],
];
