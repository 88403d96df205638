/**
 * Access tokens: `mlg_<id>_<secret>`, where `id` (16 hex digits) is public and names the stored record, and
 * `secret` is 256 random bits (base64url). The token is shown once; the store keeps only an HMAC-SHA256 of it,
 * keyed with a key derived from session.secret_key (SECRET_KEY), so a copy of the database alone cannot be used to
 * test guesses. Verification looks the record up by id and compares the keyed hashes in constant time.
 *
 * Tokens of the first format (`mlg_` and 43 characters, stored as plain SHA-256) are recognised and refused with
 * their own error: they cannot be converted without the token itself, so their owners need new ones.
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_PREFIX = 'mlg_';

/** HKDF label: a key for access tokens only, whatever else is derived from the same secret. */
export const ACCESS_TOKEN_KEY_INFO = 'mlgate access token v1';

/**
 * Stands in for session.secret_key when it is empty (development only, with a warning): the CLI and every gateway
 * then derive the same key, so tokens created by one are accepted by the others. It is public, so the hashes it
 * makes protect nothing once the database is read; production sets SECRET_KEY.
 */
export const DEVELOPMENT_TOKEN_SECRET = 'mlgate development access-token key (public; set SECRET_KEY)';

const ID_BYTES = 8;
const SECRET_BYTES = 32;
const CURRENT = /^mlg_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const LEGACY = /^mlg_[A-Za-z0-9_-]{43}$/;

/** The key that access token hashes are made with; the same for every process that shares the secret. */
export function deriveTokenKey(secretKey: string): Buffer {
  const secret = secretKey === '' ? DEVELOPMENT_TOKEN_SECRET : secretKey;
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), ACCESS_TOKEN_KEY_INFO, 32));
}

export interface TokenHasher {
  /** HMAC-SHA256 of the whole token, hex. */
  hash(token: string): string;
  /** True when `token` hashes to `storedHash`; compared in constant time. */
  matches(token: string, storedHash: string): boolean;
}

export function createTokenHasher(key: Buffer): TokenHasher {
  if (key.length !== 32) {
    throw new Error('an access token key has 32 bytes');
  }
  const digest = (token: string): Buffer => createHmac('sha256', key).update(token, 'utf8').digest();
  return {
    hash: (token) => digest(token).toString('hex'),
    matches(token, storedHash) {
      const stored = Buffer.from(storedHash, 'hex');
      const computed = digest(token);
      // A stored value of another length (damaged record) never matches; timingSafeEqual needs equal lengths.
      return stored.length === computed.length && timingSafeEqual(stored, computed);
    },
  };
}

export interface NewToken {
  /** The secret, shown once. */
  readonly token: string;
  /** Public id, safe to list and log; also inside the token. */
  readonly id: string;
  readonly hash: string;
}

export function generateToken(hasher: TokenHasher, random: (size: number) => Buffer = randomBytes): NewToken {
  const id = random(ID_BYTES).toString('hex');
  const token = `${TOKEN_PREFIX}${id}_${random(SECRET_BYTES).toString('base64url')}`;
  return { token, id, hash: hasher.hash(token) };
}

export type ParsedToken =
  | { readonly kind: 'current'; readonly id: string }
  /** A token of the first format (created before named tokens): no longer accepted. */
  | { readonly kind: 'legacy' }
  | { readonly kind: 'malformed' };

export function parseToken(text: string): ParsedToken {
  const match = CURRENT.exec(text);
  if (match !== null) {
    return { kind: 'current', id: match[1] as string };
  }
  return LEGACY.test(text) ? { kind: 'legacy' } : { kind: 'malformed' };
}

/** Parses "90d", "12h", "30m" or "3600s" into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)([smhd])$/.exec(text.trim());
  if (match === null) {
    return undefined;
  }
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  const value = Number(match[1]) * unit;
  return value > 0 && Number.isSafeInteger(value) ? value : undefined;
}
