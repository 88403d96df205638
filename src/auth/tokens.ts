/**
 * Access tokens: 256 random bits, shown once at creation, stored only as a
 * SHA-256 hash (a slow hash adds nothing for secrets of this entropy and would
 * cost every request; see docs/operations.md).
 */
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'mlg_';

export interface NewToken {
  /** The secret, shown once. */
  readonly token: string;
  /** Public id, safe to list and log. */
  readonly id: string;
  readonly hash: string;
}

export function generateToken(random: (size: number) => Buffer = randomBytes): NewToken {
  const token = TOKEN_PREFIX + random(32).toString('base64url');
  return { token, id: random(6).toString('hex'), hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Parses "90d", "12h", "30m" or "3600s" into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)([smhd])$/.exec(text.trim());
  if (match === null) {
    return undefined;
  }
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  const value = Number(match[1]) * unit;
  return value > 0 ? value : undefined;
}
