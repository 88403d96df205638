/**
 * What throttling does with one credential attempt, from the failure counts; pure.
 *
 * The rule:
 * - A failed credential adds one failure under its address and under the username it named. Past
 *   `freeFailures` (on either count) its 401 is delayed, doubling with each failure up to `maxDelayMs`. Once either
 *   count is past its maximum, the failed attempt gets 429 instead.
 * - An address past its maximum gets 429 for every credential it presents, valid ones included, so a blocked
 *   address cannot learn whether a guess was right.
 * - A username past its maximum does not block valid credentials: its owner, presenting a valid token from an
 *   address that is not blocked, gets in. Knowing a username is therefore not enough to lock its owner out.
 * - Browser sessions are never throttled (a session id cannot be guessed, and a user behind the same NAT as an
 *   attacker keeps working).
 * - A count is forgotten `windowMs` after the latest failure under it; success resets nothing (otherwise an
 *   attacker holding one valid account could reset the counter of the address they attack from).
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

export interface Counts {
  /** Failures of the address, with when that count is forgotten. */
  readonly address: { readonly count: number; readonly expiresAt: Date } | null;
  readonly username: { readonly count: number; readonly expiresAt: Date } | null;
}

export type Verdict =
  | { readonly kind: 'pass' }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'block'; readonly scope: 'address' | 'username'; readonly retryAfterSeconds: number };

function retryAfter(expiresAt: Date, now: Date): number {
  return Math.max(1, Math.ceil((expiresAt.getTime() - now.getTime()) / 1000));
}

/** A credential that proved who the caller is, given the address's count (read, not incremented). */
export function verdictForValid(address: Counts['address'], settings: ThrottleSettings, now: Date): Verdict {
  if (address !== null && address.count >= settings.addressMaxFailures) {
    return { kind: 'block', scope: 'address', retryAfterSeconds: retryAfter(address.expiresAt, now) };
  }
  return { kind: 'pass' };
}

/** A failed credential, given the counts that include it. */
export function verdictForFailure(counts: Counts, settings: ThrottleSettings, now: Date): Verdict {
  if (counts.address !== null && counts.address.count > settings.addressMaxFailures) {
    return { kind: 'block', scope: 'address', retryAfterSeconds: retryAfter(counts.address.expiresAt, now) };
  }
  if (counts.username !== null && counts.username.count > settings.usernameMaxFailures) {
    return { kind: 'block', scope: 'username', retryAfterSeconds: retryAfter(counts.username.expiresAt, now) };
  }
  const failures = Math.max(counts.address?.count ?? 0, counts.username?.count ?? 0);
  return failures > settings.freeFailures
    ? { kind: 'delay', ms: delayFor(failures - settings.freeFailures, settings) }
    : { kind: 'pass' };
}

/** The delay of the n-th failure past the free ones (n >= 1). */
export function delayFor(n: number, settings: Pick<ThrottleSettings, 'delayMs' | 'maxDelayMs'>): number {
  // 2 ** 30 already exceeds any configurable maximum; the cap keeps the power finite.
  return Math.min(settings.delayMs * 2 ** Math.min(n - 1, 30), settings.maxDelayMs);
}
