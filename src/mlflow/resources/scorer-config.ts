/**
 * A scorer named by its id in an online-scoring request (`scorer_ids` of GET /mlflow/scorers/online-configs): it
 * carries the permission of the experiment of its online configuration, which MLflow reads from the configuration
 * itself (`validate_can_read_online_scoring_configs`). A scorer without a configuration resolves to nothing: the
 * routes name it `ifExists`, so it adds no target, as it adds no row to MLflow's answer. (h/genai)
 */
import { MlgateError } from '../../errors.js';
import { experimentIdAt } from './lookup.js';
import { anyId, inExperiments, type ResourceKind } from './kind.js';

export const scorerConfig: ResourceKind = {
  name: 'scorer_config',
  carrier: 'experiment',
  describe: (ref) => `the experiment of the online configuration of scorer ${ref}`,
  validate: anyId,
  resolve: async (value, client) => {
    const path = `/api/3.0/mlflow/scorers/online-configs?scorer_ids=${encodeURIComponent(value)}`;
    const body = await client.lookup(path);
    if (body === null) {
      return null;
    }
    const configs = body['configs'] ?? [];
    if (!Array.isArray(configs)) {
      throw new MlgateError('MLGATE_UPSTREAM_INVALID_RESPONSE', undefined, { details: { path: path.split('?')[0] } });
    }
    if (configs.length === 0) {
      return null;
    }
    const ids = configs.map(
      (config: unknown) => experimentIdAt({ config }, ['config', 'experiment_id'], false, path) as string,
    );
    return inExperiments([...new Set(ids)]);
  },
  // A configuration stays with its scorer's experiment; one may be created at any time, so none is not remembered.
  foundTtlMs: Infinity,
  rememberMissing: false,
};
