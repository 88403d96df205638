/**
 * An evaluation dataset: it carries the permissions of every experiment it is linked to, all of which are
 * required (as MLflow's own authorization does). Links are added and removed at any time (add-experiments,
 * remove-experiments, through any replica), so they are looked up on every request.
 *
 * MLflow answers an empty list both for a dataset that does not exist and for one linked to no experiment; either
 * way nobody but an administrator may use it, so both resolve to "not found".
 */
import { anyId, inExperiments, type ResourceKind } from './kind.js';

export const dataset: ResourceKind = {
  name: 'dataset',
  carrier: 'experiment',
  describe: (ref) => `evaluation dataset ${ref} (or an experiment linked to it)`,
  validate: anyId,
  resolve: async (value, client) => {
    const ids = await client.datasetExperimentIds(value);
    return inExperiments(ids.length === 0 ? null : [...new Set(ids)]);
  },
  foundTtlMs: 0,
  rememberMissing: false,
};
