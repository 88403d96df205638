/**
 * What throttling does with one credential attempt, from the failures that still count; pure.
 *
 * The rule:
 * - Each failed credential counts under its address and under the username it named, for `windowMs`.
 * - Past `freeFailures` (on either count) a failure's 401 is delayed, doubling with each failure up to
 *   `maxDelayMs`.
 * - With `addressMaxFailures` failures counting for an address, every credential it presents gets 429, valid ones
 *   included, so a blocked address cannot learn whether a guess was right.
 * - With `usernameMaxFailures` failures counting for a username, failed attempts naming it get 429 from any
 *   address; a valid credential of that user from an address that is not blocked still works. Knowing a username
 *   is therefore not enough to lock its owner out.
 * - Browser sessions are never throttled (a session id cannot be guessed, and a user behind the same NAT as an
 *   attacker keeps working).
 * - Success resets nothing (otherwise an attacker holding one valid account could clear the count of the address
 *   they attack from); failures stop counting `windowMs` after they happened.
 */

export interface ThrottleSettings {
  readonly windowMs: number;
  /** Failures (per address or username) answered without delay. */
  readonly freeFailures: number;
  /** First delay past freeFailures; doubles with each further failure. */
  readonly delayMs: number;
  readonly maxDelayMs: number;
  /** Failures from one address after which its credentials get 429. */
  readonly addressMaxFailures: number;
  /** Failures naming one username after which further failures for it get 429. */
  readonly usernameMaxFailures: number;
}

/** The failures counting before this attempt: when each stops counting, earliest first. */
export interface Counts {
  readonly address: readonly Date[];
  readonly username: readonly Date[];
}

export type Verdict =
  | { readonly kind: 'pass' }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'block'; readonly scope: 'address' | 'username'; readonly retryAfterSeconds: number };

/** Blocked when `max` failures count; until enough of them expire to leave fewer than `max`. */
function block(expiries: readonly Date[], max: number, scope: 'address' | 'username', now: Date): Verdict | undefined {
  if (expiries.length < max) {
    return undefined;
  }
  const releasedAt = expiries[expiries.length - max] as Date;
  const retryAfterSeconds = Math.max(1, Math.ceil((releasedAt.getTime() - now.getTime()) / 1000));
  return { kind: 'block', scope, retryAfterSeconds };
}

/** A credential that proved who the caller is: only its address's failures matter. */
export function verdictForValid(address: readonly Date[], settings: ThrottleSettings, now: Date): Verdict {
  return block(address, settings.addressMaxFailures, 'address', now) ?? { kind: 'pass' };
}

/** A failed credential. When it is not blocked it is recorded, and counts in its own delay. */
export function verdictForFailure(counts: Counts, settings: ThrottleSettings, now: Date): Verdict {
  const blocked =
    block(counts.address, settings.addressMaxFailures, 'address', now) ??
    block(counts.username, settings.usernameMaxFailures, 'username', now);
  if (blocked !== undefined) {
    return blocked;
  }
  const failures = Math.max(counts.address.length, counts.username.length) + 1;
  return failures > settings.freeFailures
    ? { kind: 'delay', ms: delayFor(failures - settings.freeFailures, settings) }
    : { kind: 'pass' };
}

/** The delay of the n-th failure past the free ones (n >= 1). */
export function delayFor(n: number, settings: Pick<ThrottleSettings, 'delayMs' | 'maxDelayMs'>): number {
  // 2 ** 30 already exceeds any configurable maximum; the cap keeps the power finite.
  return Math.min(settings.delayMs * 2 ** Math.min(n - 1, 30), settings.maxDelayMs);
}
