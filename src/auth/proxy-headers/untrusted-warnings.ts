/**
 * Warns when identity headers arrive from a peer that is not a trusted proxy: someone is trying to assert an
 * identity, or a proxy's address is missing from proxy_auth.trusted_proxies. At most one line per peer address per
 * interval (lru-cache bounds the addresses remembered), naming the headers and the claimed username only, never
 * other values.
 */
import { LRUCache } from 'lru-cache';

import type { Logger } from '../../logging.js';

export interface UntrustedHeaderWarnings {
  warn(peerAddress: string, headers: readonly string[], claimedUser: string | undefined): void;
}

export function createUntrustedHeaderWarnings(deps: {
  readonly log: Logger;
  readonly intervalMs: number;
  readonly maxPeers?: number;
}): UntrustedHeaderWarnings {
  const suppressed = new LRUCache<string, { count: number }>({ max: deps.maxPeers ?? 10_000, ttl: deps.intervalMs });
  return {
    warn(peerAddress, headers, claimedUser) {
      const seen = suppressed.get(peerAddress, { updateAgeOnGet: false });
      if (seen !== undefined) {
        seen.count += 1;
        return;
      }
      suppressed.set(peerAddress, { count: 0 });
      deps.log.warn('identity headers from an untrusted peer were ignored and stripped', {
        peer_address: peerAddress,
        headers,
        ...(claimedUser === undefined ? {} : { claimed_user: claimedUser.slice(0, 128) }),
        hint: 'only proxies in proxy_auth.trusted_proxies may assert identities; further warnings for this peer are held back',
        held_back_interval_ms: deps.intervalMs,
      });
    },
  };
}
