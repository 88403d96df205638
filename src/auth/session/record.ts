/**
 * What a stored session means (pure): the fields mlgate keeps in it, and whether it is still good at a given time
 * under the absolute and idle limits.
 */
import type { SessionIdentity, SessionRecord } from './types.js';

/** lastSeenAt is rewritten at most once a minute. */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

export interface SessionLimits {
  /** Absolute lifetime from sign-in (session.max_age_ms). */
  readonly maxAgeMs: number;
  /** Longest time without a request (session.idle_timeout_ms). */
  readonly idleMs: number;
  /** lastSeenAt is written at most this often (a write per request would cost every request a MongoDB write). */
  readonly touchIntervalMs: number;
}

export type SessionCheck =
  | { readonly kind: 'valid'; readonly record: SessionRecord; readonly touch: boolean }
  | { readonly kind: 'expired'; readonly reason: 'absolute' | 'idle'; readonly username: string }
  | { readonly kind: 'invalid' };

/** The fields a new session stores (dates as ISO strings: the data goes through JSON). */
export function newSessionData(identity: SessionIdentity, now: Date, limits: SessionLimits): Record<string, unknown> {
  return {
    username: identity.username,
    provider: identity.provider,
    groups: [...identity.groups],
    isAdmin: identity.isAdmin,
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + limits.maxAgeMs).toISOString(),
    ...(identity.idTokenHint === undefined ? {} : { idTokenHint: identity.idTokenHint }),
  };
}

export function checkSession(
  id: string,
  data: Readonly<Record<string, unknown>>,
  now: Date,
  limits: SessionLimits,
): SessionCheck {
  const { username, provider, groups, isAdmin, idTokenHint } = data;
  const createdAt = dateOf(data['createdAt']);
  const lastSeenAt = dateOf(data['lastSeenAt']);
  const expiresAt = dateOf(data['expiresAt']);
  if (
    typeof username !== 'string' ||
    username === '' ||
    typeof provider !== 'string' ||
    !Array.isArray(groups) ||
    !groups.every((g) => typeof g === 'string') ||
    typeof isAdmin !== 'boolean' ||
    (idTokenHint !== undefined && typeof idTokenHint !== 'string') ||
    createdAt === null ||
    lastSeenAt === null ||
    expiresAt === null
  ) {
    return { kind: 'invalid' };
  }
  // The absolute limit is the earlier of the one stored at sign-in and the one configured now (a lowered limit
  // applies to existing sessions too).
  if (now.getTime() >= Math.min(expiresAt.getTime(), createdAt.getTime() + limits.maxAgeMs)) {
    return { kind: 'expired', reason: 'absolute', username };
  }
  if (now.getTime() - lastSeenAt.getTime() >= limits.idleMs) {
    return { kind: 'expired', reason: 'idle', username };
  }
  return {
    kind: 'valid',
    record: {
      id,
      username,
      provider,
      groups,
      isAdmin,
      createdAt,
      lastSeenAt,
      expiresAt,
      ...(idTokenHint === undefined ? {} : { idTokenHint }),
    },
    touch: now.getTime() - lastSeenAt.getTime() >= limits.touchIntervalMs,
  };
}

function dateOf(value: unknown): Date | null {
  if (typeof value !== 'string') {
    return null;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
