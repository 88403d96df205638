/** An experiment, named by its id: it carries its own permission. */
import { MlgateError } from '../../errors.js';
import { inExperiments, type ResourceKind } from './kind.js';

/**
 * MLflow's SQL store turns experiment ids into integers with Python's int(), which also accepts "007", " 7",
 * "+7", "7_0" and non-ASCII digits: all of them name experiment 7 (or 70) to MLflow but a different id to the
 * grants. Only the canonical decimal form is accepted, so the id the policy sees is the one MLflow uses.
 */
export function isCanonicalExperimentId(value: string): boolean {
  return /^(0|[1-9][0-9]{0,18})$/.test(value);
}

export const experiment: ResourceKind = {
  name: 'experiment',
  carrier: 'experiment',
  describe: (ref) => `experiment ${ref}`,
  validate(value) {
    if (!isCanonicalExperimentId(value)) {
      throw new MlgateError(
        'MLGATE_REQUEST_INVALID',
        `Experiment id "${value}" is not in canonical form: use the decimal digits MLflow returns (e.g. "7", not "007").`,
      );
    }
  },
  resolve: (value) => Promise.resolve(inExperiments([value])),
  foundTtlMs: Infinity,
  rememberMissing: false,
};
