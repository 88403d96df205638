/**
 * The `source` of CreateModelVersion (h/registry): it names the registered model, logged model or run whose
 * content the new version takes (registry/version-source.ts), each resolved by its own kind; anything else names
 * nothing the gateway checks (MLflow checks that such a source lies in the artifacts of the request's run_id or
 * model_id, which the route checks).
 */
import { sourceReferences } from '../registry/version-source.js';
import { anyId, expandingKind } from './kind.js';

export const modelVersionSource = expandingKind('model_version_source', 'model version source', anyId, (value) =>
  sourceReferences(value),
);
