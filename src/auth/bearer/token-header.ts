/**
 * A first look at a Bearer token before any key is fetched (pure): is it a compact JWS at all, and does its
 * header name an algorithm we accept? Unsigned ("alg": "none") and HMAC tokens are told apart from other refused
 * algorithms, so that each refusal carries its own code.
 */
import { decodeProtectedHeader } from 'jose';

export type TokenHeaderCheck =
  | { readonly kind: 'ok'; readonly alg: string }
  | { readonly kind: 'malformed'; readonly reason: string }
  | { readonly kind: 'alg-none' }
  | { readonly kind: 'alg-not-allowed'; readonly alg: string };

const BASE64URL_PART = /^[A-Za-z0-9_-]*$/;

export function checkTokenHeader(token: string, allowed: ReadonlySet<string>): TokenHeaderCheck {
  const parts = token.split('.');
  if (parts.length === 5) {
    return { kind: 'malformed', reason: 'an encrypted JWT (JWE) is not accepted; send a signed access token' };
  }
  if (parts.length !== 3 || parts.some((part) => !BASE64URL_PART.test(part)) || parts[0] === '') {
    return { kind: 'malformed', reason: 'not a JWT (three base64url parts separated by dots)' };
  }
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return { kind: 'malformed', reason: 'the JWT header is not base64url-encoded JSON' };
  }
  const alg = header['alg'];
  if (typeof alg !== 'string' || alg === '') {
    return { kind: 'malformed', reason: 'the JWT header has no "alg"' };
  }
  if (alg.toLowerCase() === 'none') {
    return { kind: 'alg-none' };
  }
  if (!allowed.has(alg)) {
    return { kind: 'alg-not-allowed', alg };
  }
  return { kind: 'ok', alg };
}
