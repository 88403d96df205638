/** When a new access token expires, from what was asked and the configured limits; pure. */
import { MlgateError } from '../errors.js';
import { parseDuration } from './tokens.js';

const DAY_MS = 86_400_000;

export interface TokenLifetimePolicy {
  /** Lifetime of a token created without one. */
  readonly defaultDays: number;
  /** Longest lifetime anyone may ask for. */
  readonly maxDays: number;
  /** Whether "never" (no expiry) may be asked for. */
  readonly allowNoExpiry: boolean;
}

/**
 * The expiry of a token created at `now`: `requested` is a duration ("90d", "12h", "30m", "3600s"), "never", or
 * undefined for the default. Throws 400 MLGATE_TOKEN_EXPIRY_INVALID for anything else or beyond the limits.
 */
export function resolveExpiry(requested: string | undefined, policy: TokenLifetimePolicy, now: Date): Date | null {
  const maxMs = policy.maxDays * DAY_MS;
  if (requested === undefined) {
    return new Date(now.getTime() + Math.min(policy.defaultDays * DAY_MS, maxMs));
  }
  if (requested.trim() === 'never') {
    if (!policy.allowNoExpiry) {
      throw new MlgateError(
        'MLGATE_TOKEN_EXPIRY_INVALID',
        `Tokens without expiry are not allowed here (tokens.allow_no_expiry); ask for at most ${policy.maxDays}d.`,
      );
    }
    return null;
  }
  const ms = parseDuration(requested);
  if (ms === undefined) {
    throw new MlgateError(
      'MLGATE_TOKEN_EXPIRY_INVALID',
      `"${requested}" is not a lifetime: give a duration like 90d, 12h, 30m or 3600s` +
        (policy.allowNoExpiry ? ', or never.' : '.'),
    );
  }
  if (ms > maxMs) {
    throw new MlgateError(
      'MLGATE_TOKEN_EXPIRY_INVALID',
      `A token may live at most ${policy.maxDays}d here (tokens.max_lifetime_days); "${requested}" is longer.`,
    );
  }
  return new Date(now.getTime() + ms);
}
