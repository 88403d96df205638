/**
 * Applies failed-credential throttling to the outcome of an authenticator (src/auth/chain.ts calls it for every
 * outcome other than not-mine), whatever the credential kind: a rejected outcome is counted and may be delayed or
 * turned into 429; an accepted one is refused with 429 from a blocked address. The failures live in the store, so
 * every replica sees the same ones. See policy.ts for the rule. Once a key is blocked, further failures under it
 * are not recorded (the block already holds), so a key keeps about as many records as its limit; concurrent
 * attempts may overshoot the limit by their number. Failures for a blocked username still count against their
 * address.
 */
import { MlgateError } from '../../errors.js';
import { BoundedCache } from '../../util/bounded-cache.js';
import type { Logger } from '../../logging.js';
import type { FailureCount, FailureRepository } from '../../store/types.js';
import type { AuthOutcome } from '../principal.js';
import type { AddressedRequest } from './client-address.js';
import { addressKey, usernameKey } from './keys.js';
import { type ThrottleSettings, type Verdict, verdictForFailure, verdictForValid } from './policy.js';

export interface ThrottleGuard {
  screen(outcome: AuthOutcome, request: AddressedRequest & { readonly now: Date }): Promise<AuthOutcome>;
}

export function createThrottleGuard(deps: {
  readonly failures: FailureRepository;
  readonly settings: ThrottleSettings;
  readonly logger: Logger;
  /** Where the request comes from (client-address.ts); the TCP peer by default. */
  readonly clientAddress?: (request: AddressedRequest) => string;
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * How long a replica may take an address it found unblocked to still be unblocked (cache.ttl_ms), so that a valid
   * credential costs no store read on every request; a block made on another replica applies here within it. A
   * failure seen here forgets the address at once. 0: read the store for every valid credential.
   */
  readonly clearTtlMs?: number;
}): ThrottleGuard {
  const clear = new BoundedCache<string, Verdict>({ ttlMs: deps.clearTtlMs ?? 0, maxEntries: 100_000 });
  const clientAddress = deps.clientAddress ?? ((request: AddressedRequest) => request.peerAddress);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const pick = (counts: FailureCount[], key: string | null): readonly Date[] =>
    key === null ? [] : (counts.find((c) => c.key === key)?.expiries ?? []);

  function throttled(verdict: Extract<Verdict, { kind: 'block' }>, fields: Record<string, unknown>): AuthOutcome {
    deps.logger.warn('credential attempt throttled', { ...fields, scope: verdict.scope });
    return {
      kind: 'rejected',
      error: new MlgateError('MLGATE_AUTH_THROTTLED', undefined, {
        headers: { 'Retry-After': String(verdict.retryAfterSeconds) },
        details: { scope: verdict.scope, retry_after_seconds: verdict.retryAfterSeconds },
      }),
    };
  }

  return {
    async screen(outcome, request) {
      const address = addressKey(clientAddress(request));
      if (outcome.kind === 'not-mine') {
        return outcome;
      }
      if (outcome.kind === 'authenticated') {
        if (outcome.principal.method === 'session') {
          return outcome;
        }
        const verdict = await clear.getOrLoad(
          address,
          async () =>
            verdictForValid(
              pick(await deps.failures.read([address], request.now), address),
              deps.settings,
              request.now,
            ),
          (v) => v.kind !== 'block',
        );
        return verdict.kind === 'block'
          ? throttled(verdict, { address, username: outcome.principal.username, valid: true })
          : outcome;
      }
      clear.delete(address);
      const username = usernameKey(outcome.username);
      const keys = username === null ? [address] : [address, username];
      const counts = await deps.failures.read(keys, request.now);
      const verdict = verdictForFailure(
        { address: pick(counts, address), username: pick(counts, username) },
        deps.settings,
        request.now,
      );
      if (verdict.kind === 'block' && verdict.scope === 'address') {
        return throttled(verdict, { address, username: outcome.username, code: outcome.error.code });
      }
      if (verdict.kind === 'block') {
        // Still counted against the address: a username's block must not give free guesses from anywhere.
        await deps.failures.record([address], request.now, deps.settings.windowMs);
        return throttled(verdict, { address, username: outcome.username, code: outcome.error.code });
      }
      await deps.failures.record(keys, request.now, deps.settings.windowMs);
      if (verdict.kind === 'delay') {
        await sleep(verdict.ms);
      }
      return outcome;
    },
  };
}
