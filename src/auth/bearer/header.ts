/**
 * The Bearer credential of a request (pure), from every Authorization header as received: Node keeps only the
 * first of repeated ones, so a second header could otherwise smuggle a different identity past a proxy's checks.
 */
export type BearerCredential =
  | { readonly kind: 'none' }
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'malformed'; readonly reason: string };

const SCHEME = /^Bearer(?: +(.*))?$/i;
// RFC 6750 b64token.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** `values`: every Authorization header of the request. */
export function readBearer(values: readonly string[]): BearerCredential {
  const bearer = values.filter((value) => SCHEME.test(value.trim()));
  if (bearer.length === 0) {
    return { kind: 'none' };
  }
  if (values.length > 1) {
    return { kind: 'malformed', reason: 'more than one Authorization header' };
  }
  const token = (SCHEME.exec((bearer[0] as string).trim())?.[1] ?? '').trim();
  if (token === '') {
    return { kind: 'malformed', reason: 'the Bearer scheme carries no token' };
  }
  if (!B64TOKEN.test(token)) {
    return { kind: 'malformed', reason: 'the Bearer token has characters a token cannot have' };
  }
  return { kind: 'token', token };
}
