/**
 * The pure parts of polling a bundle over HTTP as OPA's bundle protocol does: the conditional request
 * (If-None-Match with the ETag of the active bundle), what an answer means, and the jittered delay between polls.
 */

/** Headers of a poll: If-None-Match once a bundle from this URL is active. */
export function conditionalHeaders(etag: string | null): Record<string, string> {
  return etag === null ? {} : { 'if-none-match': etag };
}

export type PollAnswer =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'bundle'; readonly etag: string | null }
  | { readonly kind: 'error'; readonly reason: string };

/**
 * What the server's answer means: 304 (or a 200 carrying the ETag already active, from a server that ignores
 * If-None-Match) keeps the current bundle; 200 brings a new one; anything else is an error and keeps it too.
 */
export function classifyAnswer(status: number, etag: string | null, activeEtag: string | null): PollAnswer {
  if (status === 304) {
    return { kind: 'unchanged' };
  }
  if (status === 200) {
    return etag !== null && etag === activeEtag ? { kind: 'unchanged' } : { kind: 'bundle', etag };
  }
  return { kind: 'error', reason: `the server answered HTTP ${status}` };
}

/** The share of the interval a delay may vary by, so replicas do not poll in step. */
export const POLL_JITTER = 0.1;

/** The delay before the next poll: the interval, give or take POLL_JITTER of it. */
export function pollDelay(intervalMs: number, random: () => number = Math.random): number {
  return Math.max(1, Math.round(intervalMs * (1 - POLL_JITTER + 2 * POLL_JITTER * random())));
}
