/**
 * The signature algorithms a Bearer JWT may use (pure). Only asymmetric ones: the provider publishes public keys,
 * and a token "signed" with HMAC using such a public key as the secret (algorithm confusion) must never verify;
 * "none" is not a signature at all.
 */

/** Default allow-list: RSA, RSA-PSS, ECDSA and EdDSA. */
export const DEFAULT_JWT_ALGORITHMS: readonly string[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/** Every algorithm jwt.algorithms may name (the defaults, plus the fully specified Ed25519 of RFC 9864). */
const ACCEPTABLE = new Set([...DEFAULT_JWT_ALGORITHMS, 'Ed25519']);

/** Why `alg` cannot be in the allow-list, or null when it can (for configuration checks). */
export function algorithmProblem(alg: string): string | null {
  if (alg.toLowerCase() === 'none') {
    return '"none" means unsigned tokens and is never allowed';
  }
  if (/^HS\d+$/i.test(alg)) {
    return `${alg} is an HMAC (shared secret) algorithm: with a provider's public keys it allows forged tokens`;
  }
  if (!ACCEPTABLE.has(alg)) {
    return `${alg} is not an asymmetric JWS algorithm mlgate knows (${[...ACCEPTABLE].join(', ')})`;
  }
  return null;
}
