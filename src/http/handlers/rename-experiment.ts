/**
 * UpdateExperiment (a rename): proxied; once MLflow answers 200, this replica forgets the experiment's cached name,
 * so regex rules match the new name from the next request on (other replicas within permissions.name_cache_ttl_ms).
 */
import { readScalar } from '../../mlflow/params.js';
import { proxy } from './proxy.js';
import type { ForwardHandler } from './types.js';

export const renameExperiment: ForwardHandler = (deps, ctx) => {
  const names = deps.names;
  const params = ctx.state.params;
  if (names === undefined || params === undefined) {
    return proxy(deps, ctx);
  }
  return proxy(deps, ctx, (response) => {
    if (response.status === 200) {
      const id = readScalar(params, ['experiment_id']);
      if (id !== undefined) names.forget(id);
    }
    return Promise.resolve(response);
  });
};
