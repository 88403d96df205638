/**
 * Artifact paths (pure): how MLflow lays out proxied artifacts, and the checks that make the path the gateway
 * authorizes the path MLflow acts on.
 *
 * Layout, as MLflow 3.17's SQL store writes it under the proxied artifact root (mlflow-artifacts:/):
 *   <experiment_id>/<run_id>/artifacts/...              a run's artifacts (create_run)
 *   <experiment_id>/models/<model_id>/artifacts/...     a logged model's artifacts (create_logged_model)
 *   <experiment_id>/traces/<trace_id>/artifacts/...     a trace's data (start_trace: the experiment's location at
 *                                                       the trace's creation; a moved trace's data stays there)
 *
 * MLflow's validate_path_is_safe decodes a path again (up to ten times) before it uses it, and urllib drops tabs
 * and newlines from it, so a path with a percent-escape or a control character would be read by MLflow as another
 * path than the one checked: such paths are refused, like dot segments, empty segments and backslashes.
 */
import { MlgateError } from '../errors.js';
import { isCanonicalExperimentId } from './resources/experiment.js';

/** The resources an artifact path names; `writable` when it is in a run's or model's `artifacts` folder. */
export interface ArtifactLocation {
  readonly experimentId: string;
  readonly runId?: string;
  readonly modelId?: string;
  readonly traceId?: string;
  /** The path is a run's or logged model's `artifacts` folder or below it. */
  readonly writable: boolean;
}

/** MLflow's run ids: uuid4().hex. */
export const RUN_ID = /^[0-9a-f]{32}$/;
/** MLflow's logged model ids: "m-" + uuid4 hex. */
export const MODEL_ID = /^m-[0-9a-f]{32}$/;
/** MLflow's trace ids: "tr-" + the hex OpenTelemetry trace id (v3), or a uuid4 hex request id (v2). */
export const TRACE_ID = /^(tr-)?[0-9a-f]{32}$/;

const ARTIFACTS = 'artifacts';

/**
 * Refuses (400) a path MLflow or the storage under it could read otherwise than the gateway: a percent-escape
 * (MLflow decodes again), a control character (dropped or escaped by MLflow), a backslash, "#", an absolute path,
 * an empty segment or a dot segment. A trailing "/" is allowed (a folder).
 */
export function requireSafeArtifactPath(path: string, field: string): void {
  const problem = unsafeReason(path);
  if (problem !== undefined) {
    throw new MlgateError(
      'MLGATE_REQUEST_INVALID',
      `The artifact path in "${field}" has ${problem}, which MLflow could read as another path than the one ` +
        'checked. Send a plain relative path (e.g. "model/MLmodel").',
    );
  }
}

function unsafeReason(path: string): string | undefined {
  if (/%[0-9A-Fa-f]{2}/.test(path)) {
    return 'a percent-escape (MLflow decodes artifact paths again)';
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) {
    return 'a control character';
  }
  if (path.includes('\\')) {
    return 'a backslash';
  }
  if (path.includes('#')) {
    return 'a "#"';
  }
  if (path.startsWith('/')) {
    return 'a leading "/" (an absolute path)';
  }
  const segments = path.split('/');
  if (segments.slice(0, -1).some((segment) => segment === '')) {
    return 'an empty segment ("//")';
  }
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    return 'a dot segment ("." or "..")';
  }
  return undefined;
}

/**
 * The resources a (safe) artifact path names in MLflow's layout, or undefined when it follows none of it (the
 * root, a trace's folder, a folder MLflow never writes).
 */
export function parseArtifactPath(path: string): ArtifactLocation | undefined {
  const segments = path.split('/');
  if (segments.at(-1) === '') {
    segments.pop();
  }
  const [experimentId, second, third, fourth] = segments;
  if (experimentId === undefined || !isCanonicalExperimentId(experimentId)) {
    return undefined;
  }
  if (second === undefined) {
    return { experimentId, writable: false };
  }
  if (second === 'traces') {
    if (third === undefined) {
      return { experimentId, writable: false };
    }
    if (!TRACE_ID.test(third)) {
      return undefined;
    }
    return below({ experimentId, traceId: third }, fourth);
  }
  if (second === 'models') {
    if (third === undefined) {
      return { experimentId, writable: false };
    }
    if (!MODEL_ID.test(third)) {
      return undefined;
    }
    return below({ experimentId, modelId: third }, fourth);
  }
  if (!RUN_ID.test(second)) {
    return undefined;
  }
  return below({ experimentId, runId: second }, third);
}

/** What is under a run's or model's folder: nothing (the folder itself), or its `artifacts/` tree. */
function below(owner: Omit<ArtifactLocation, 'writable'>, next: string | undefined): ArtifactLocation | undefined {
  if (next === undefined) {
    return { ...owner, writable: false };
  }
  if (next !== ARTIFACTS) {
    return undefined;
  }
  return { ...owner, writable: true };
}

/**
 * The client's local file name that MLflow's multipart upload appends to the artifact path (os.path.basename of
 * the body's `path`): refused (400) when it is empty, a dot segment, or has a backslash or control character.
 */
export function requireSafeUploadFileName(localPath: string, field: string): void {
  const name = localPath.slice(localPath.lastIndexOf('/') + 1);
  // eslint-disable-next-line no-control-regex
  if (name === '' || name === '.' || name === '..' || /[\\\u0000-\u001f\u007f]/.test(localPath)) {
    throw new MlgateError(
      'MLGATE_REQUEST_INVALID',
      `"${field}" must be a file path whose last segment is a file name (no backslash, control character, "." or ` +
        '".."): MLflow appends that name to the artifact path.',
    );
  }
}
