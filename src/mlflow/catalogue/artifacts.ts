/**
 * Artifacts: of a run or logged model named by id (MlflowService and Flask handlers), and under the proxied
 * artifact root (MlflowArtifactsService, /mlflow-artifacts/), where the path itself names the experiment and the
 * run or logged model (resources/artifact-path.ts). Paths given as parameters are checked before the decision.
 *
 * Uploads are streamed to MLflow, never buffered (body: 'stream'), and limited by
 * server.max_artifact_upload_bytes. Under uvicorn, downloads and uploads of /mlflow-artifacts/artifacts/ are
 * served by FastAPI routes that shadow the Flask ones; both are listed.
 */
import { API_2, ROOT, route, type RouteSpec, type TargetSpec } from '../route-spec.js';

const PATH_IN_TEMPLATE = (resource: 'artifact_path' | 'artifact_write_path'): TargetSpec => ({
  resource,
  names: ['artifact_path'],
  in: 'path',
  required: true,
});
const READ_PATH = PATH_IN_TEMPLATE('artifact_path');
const WRITE_PATH = PATH_IN_TEMPLATE('artifact_write_path');
/** The multipart body's `path`: the client's local file, whose name MLflow appends to the artifact path. */
const UPLOAD_FILE: TargetSpec = { resource: 'upload_file_name', names: ['path'], required: true };
const RELATIVE_PATH: TargetSpec = { resource: 'relative_artifact_path', names: ['path'] };
const ARTIFACT = '/mlflow-artifacts/artifacts/<path:artifact_path>';
const ARTIFACT_FASTAPI = '/mlflow-artifacts/artifacts/{artifact_path:path}';

/** Flask handlers outside the protobuf services: they read request.args only. */
const GET_ARTIFACT = route('GetArtifact', 'GET', '/get-artifact', ROOT, [
  { resource: 'run', names: ['run_id', 'run_uuid'], in: 'query', required: true },
  { ...RELATIVE_PATH, in: 'query', required: true },
]);
/** The web UI's upload (MLflow reads run_uuid only, and caps the body at 10 MB itself). */
const UPLOAD_RUN_ARTIFACT = route(
  'UploadRunArtifact',
  'POST',
  '/mlflow/upload-artifact',
  ['/ajax-api/2.0'],
  [
    { resource: 'run', names: ['run_uuid'], in: 'query', required: true },
    { ...RELATIVE_PATH, in: 'query', required: true },
  ],
  { body: 'stream' },
);

export const ARTIFACT_ROUTES: readonly RouteSpec[] = [
  GET_ARTIFACT,
  UPLOAD_RUN_ARTIFACT,
  route('ListArtifacts', 'GET', '/mlflow/artifacts/list', API_2, [
    { resource: 'run', names: ['run_id', 'run_uuid'], required: true },
    RELATIVE_PATH,
  ]),
  // Exactly one of run_id and model_id (MLflow refuses both or neither; neither names nothing: refused).
  route('CreatePresignedUploadUrl', 'POST', '/mlflow/artifacts/presigned-upload-url', API_2, [
    { resource: 'run', names: ['run_id'] },
    { resource: 'logged_model', names: ['model_id'] },
    { ...RELATIVE_PATH, required: true },
  ]),
  route('CreatePresignedDownloadUrl', 'POST', '/mlflow/artifacts/presigned-download-url', API_2, [
    { resource: 'run', names: ['run_id'], required: true },
    { ...RELATIVE_PATH, required: true },
  ]),
  // The proxied artifact root: the path names the resources.
  route('ListArtifactsMlflowArtifacts', 'GET', '/mlflow-artifacts/artifacts', API_2, [
    { resource: 'artifact_path', names: ['path'] },
  ]),
  route('DownloadArtifact', 'GET', ARTIFACT, API_2, [READ_PATH]),
  route('DownloadArtifact', 'GET', ARTIFACT_FASTAPI, API_2, [READ_PATH], { framework: 'fastapi' }),
  route('UploadArtifact', 'PUT', ARTIFACT, API_2, [WRITE_PATH], { body: 'stream' }),
  route('UploadArtifact', 'PUT', ARTIFACT_FASTAPI, API_2, [WRITE_PATH], { framework: 'fastapi', body: 'stream' }),
  route('DeleteArtifact', 'DELETE', ARTIFACT, API_2, [WRITE_PATH]),
  route('CreateMultipartUpload', 'POST', '/mlflow-artifacts/mpu/create/<path:artifact_path>', API_2, [
    WRITE_PATH,
    UPLOAD_FILE,
  ]),
  route('CompleteMultipartUpload', 'POST', '/mlflow-artifacts/mpu/complete/<path:artifact_path>', API_2, [
    WRITE_PATH,
    UPLOAD_FILE,
  ]),
  route('AbortMultipartUpload', 'POST', '/mlflow-artifacts/mpu/abort/<path:artifact_path>', API_2, [
    WRITE_PATH,
    UPLOAD_FILE,
  ]),
  route('GetPresignedDownloadUrl', 'GET', '/mlflow-artifacts/presigned/<path:artifact_path>', API_2, [READ_PATH]),
];
