/** A logged model: it belongs to one experiment for ever, whose permission it carries. */
import { anyId, inExperiments, type ResourceKind } from './kind.js';

export const loggedModel: ResourceKind = {
  name: 'logged_model',
  carrier: 'experiment',
  describe: (ref) => `the experiment of logged model ${ref}`,
  validate: anyId,
  resolve: async (value, client) => {
    const id = await client.loggedModelExperimentId(value);
    return inExperiments(id === null ? null : [id]);
  },
  foundTtlMs: Infinity,
  rememberMissing: true,
};
