/**
 * Records when tokens were last used without a write per request: each replica writes a token's lastUsedAt at
 * most once per `intervalMs`, in the background; a failed write is logged and forgotten (it is informational).
 */
import type { TokenRepository } from '../store/types.js';
import { BoundedCache } from '../util/bounded-cache.js';

/** How often one replica writes a token's lastUsedAt at most (so it is exact to about this much). */
export const LAST_USED_INTERVAL_MS = 60_000;

export interface LastUsedRecorder {
  used(tokenId: string, at: Date): void;
}

export function createLastUsedRecorder(deps: {
  readonly tokens: Pick<TokenRepository, 'touch'>;
  readonly intervalMs: number;
  readonly maxEntries: number;
  readonly onError: (error: unknown) => void;
}): LastUsedRecorder {
  const written = new BoundedCache<string, true>({ ttlMs: deps.intervalMs, maxEntries: deps.maxEntries });
  return {
    used(tokenId, at) {
      if (written.get(tokenId) !== undefined) {
        return;
      }
      written.set(tokenId, true);
      deps.tokens.touch(tokenId, at).catch(deps.onError);
    },
  };
}
