/**
 * How many logins one client address may start per window. Each start stores a login state in MongoDB until it is
 * finished or expires, so without a limit anyone could fill the database with them. Counted per replica (a few
 * replicas multiply the bound, which stays small); the window starts at an address's first start.
 */
import { BoundedCache } from '../../util/bounded-cache.js';

export interface StartLimiter {
  /** Counts a start; null when it may go on, else the seconds until the address may start again. */
  take(address: string, now: Date): number | null;
}

export function createStartLimiter(options: { readonly max: number; readonly windowMs: number }): StartLimiter {
  const windows = new BoundedCache<string, { count: number; resetsAt: number }>({
    ttlMs: options.windowMs,
    maxEntries: 100_000,
  });
  return {
    take(address, now) {
      const at = now.getTime();
      const current = windows.get(address);
      const window =
        current === undefined || current.resetsAt <= at ? { count: 0, resetsAt: at + options.windowMs } : current;
      if (window.count >= options.max) {
        return Math.max(1, Math.ceil((window.resetsAt - at) / 1000));
      }
      window.count += 1;
      if (window !== current) {
        windows.set(address, window);
      }
      return null;
    },
  };
}
