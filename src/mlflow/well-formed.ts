/**
 * Ids and names must be well-formed strings. A JSON body can carry a lone
 * UTF-16 surrogate ("\ud800"): MLflow's Python server decodes it as is, but it
 * has no UTF-8 form, so it cannot be put in a URL (encodeURIComponent throws)
 * and URLSearchParams would silently replace it, looking up another id than
 * the one MLflow acts on. Such values are refused (400) before any look-up.
 */
import { MlgateError } from '../errors.js';

/** Throws MLGATE_REQUEST_INVALID unless `value` is a well-formed string; `field` names it in the message. */
export function requireWellFormed(value: string, field: string): void {
  if (!value.isWellFormed()) {
    throw new MlgateError(
      'MLGATE_REQUEST_INVALID',
      `"${field}" must be a well-formed string, but ${JSON.stringify(value)} contains a lone UTF-16 surrogate. ` +
        'Send the id or name exactly as MLflow returned it.',
    );
  }
}
