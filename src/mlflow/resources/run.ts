/** A run: it belongs to one experiment for ever, whose permission it carries. */
import { anyId, inExperiments, type ResourceKind } from './kind.js';

export const run: ResourceKind = {
  name: 'run',
  carrier: 'experiment',
  describe: (ref) => `the experiment of run ${ref}`,
  validate: anyId,
  resolve: async (value, client) => {
    const id = await client.runExperimentId(value);
    return inExperiments(id === null ? null : [id]);
  },
  foundTtlMs: Infinity,
  rememberMissing: true,
};
