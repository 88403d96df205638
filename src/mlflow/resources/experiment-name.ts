/**
 * An experiment named by its name. Names can be given to another experiment (rename, delete and re-create) and
 * created by anyone at any moment, so a name is looked up on every request and never remembered as missing.
 */
import { anyId, inExperiments, type ResourceKind } from './kind.js';

export const experimentName: ResourceKind = {
  name: 'experiment_name',
  carrier: 'experiment',
  describe: (ref) => `experiment "${ref}"`,
  validate: anyId,
  resolve: async (value, client) => {
    const id = await client.experimentIdByName(value);
    return inExperiments(id === null ? null : [id]);
  },
  foundTtlMs: 0,
  rememberMissing: false,
};
