/**
 * Artifact paths under MLflow's proxied artifact root (artifact-path.ts): a path names its experiment and its run
 * or logged model, and permission is required on every one of them (resolved by their own kinds), so a path whose
 * run belongs to another experiment needs permission on both. A path in no known layout names nothing, and the
 * policy then refuses it to non-administrators (no-targets).
 *
 *   artifact_path        reads (list, download, presigned): any folder of the layout, from <experiment_id> down
 *   artifact_write_path  writes (upload, delete, multipart): a file or folder inside one run's, model's or
 *                        trace's artifacts/ folder
 */
import { type ArtifactLocation, parseArtifactPath, requireSafeArtifactPath } from '../artifact-path.js';
import type { Reference } from '../references.js';
import { expandingKind } from './kind.js';

const LAYOUT =
  '<experiment_id>/<run_id>/artifacts/…, <experiment_id>/models/<model_id>/artifacts/… or ' +
  '<experiment_id>/traces/<trace_id>/artifacts/… (the layout MLflow gives proxied artifacts)';

function references(location: ArtifactLocation | undefined): Reference[] {
  if (location === undefined) {
    return [];
  }
  const named: Reference[] = [{ kind: 'experiment', value: location.experimentId }];
  if (location.runId !== undefined) {
    named.push({ kind: 'run', value: location.runId });
  }
  if (location.modelId !== undefined) {
    named.push({ kind: 'logged_model', value: location.modelId });
  }
  if (location.traceId !== undefined) {
    named.push({ kind: 'trace', value: location.traceId });
  }
  return named;
}

export const artifactPath = expandingKind(
  'artifact_path',
  'artifact path',
  requireSafeArtifactPath,
  (value) => references(parseArtifactPath(value)),
  `The artifact path names no experiment, run or logged model the gateway can check: only administrators may ` +
    `use other paths (the artifact root, folders MLflow does not write). Use ${LAYOUT}.`,
);

export const artifactWritePath = expandingKind(
  'artifact_write_path',
  'artifact path',
  requireSafeArtifactPath,
  (value) => {
    const location = parseArtifactPath(value);
    return location?.writable === true ? references(location) : [];
  },
  `Artifacts may only be written in one run's or logged model's artifacts folder: ${LAYOUT}. Only ` +
    'administrators may write elsewhere.',
);

/** A path relative to a run's or logged model's artifacts (a query or body field): checked, names nothing. */
export const relativeArtifactPath = expandingKind(
  'relative_artifact_path',
  'artifact path',
  requireSafeArtifactPath,
  () => [],
);
