/**
 * Opaque tokens the gateway hands to a client and takes back: a small JSON value sealed with AES-256-GCM (secret
 * and tamper-proof), bound to its use by the authenticated additional data, and padded to a fixed block size so
 * that its length says little about what it holds. Filtered searches (src/mlflow/page-token.ts) and the listings of
 * the gateway's own API (src/http/api/list-pages.ts) build their page tokens on it.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A random 96-bit IV per token: safe for far more tokens than a gateway issues under one key (NIST: 2^32). */
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Sealed content is padded to a multiple of this, so a token's length does not depend on small differences. */
const BLOCK_BYTES = 128;

export interface TokenSealer {
  /** `prefix` + the sealed JSON of `content`, base64url. */
  seal(content: unknown, associatedData: Buffer): string;
  /** The JSON value sealed in `token` with this key and this associated data; undefined for anything else. */
  open(token: string, associatedData: Buffer): unknown;
}

export function createTokenSealer(key: Buffer, prefix: string): TokenSealer {
  if (key.length !== 32) {
    throw new Error('a page token key has 32 bytes');
  }
  return {
    seal(content, associatedData) {
      const text = JSON.stringify(content);
      const padded = Buffer.alloc(Math.ceil(Buffer.byteLength(text) / BLOCK_BYTES) * BLOCK_BYTES, ' ');
      padded.write(text, 'utf8');
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(associatedData);
      const sealed = Buffer.concat([iv, cipher.update(padded), cipher.final(), cipher.getAuthTag()]);
      return prefix + sealed.toString('base64url');
    },

    open(token, associatedData) {
      if (!token.startsWith(prefix)) {
        return undefined;
      }
      const text = token.slice(prefix.length);
      const sealed = Buffer.from(text, 'base64url');
      const cipherBytes = sealed.length - IV_BYTES - TAG_BYTES;
      // Buffer.from skips characters outside the alphabet: accept only the canonical spelling.
      if (sealed.toString('base64url') !== text || cipherBytes < BLOCK_BYTES || cipherBytes % BLOCK_BYTES !== 0) {
        return undefined;
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES), {
          authTagLength: TAG_BYTES,
        });
        decipher.setAAD(associatedData);
        decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
        const plain = Buffer.concat([
          decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
          decipher.final(),
        ]);
        return JSON.parse(plain.toString('utf8')) as unknown;
      } catch {
        return undefined;
      }
    },
  };
}
