/** Parsing of the Authorization header (RFC 7617 Basic); pure. */

export type ParsedAuthorization =
  | { readonly kind: 'none' }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'malformed'; readonly reason: string }
  | { readonly kind: 'other'; readonly scheme: string };

export function parseAuthorization(header: string | string[] | undefined): ParsedAuthorization {
  if (header === undefined || header === '') {
    return { kind: 'none' };
  }
  if (Array.isArray(header)) {
    return { kind: 'malformed', reason: 'more than one Authorization header' };
  }
  const match = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)(?: +(.*))?$/.exec(header.trim());
  if (match === null) {
    return { kind: 'malformed', reason: 'no authorization scheme' };
  }
  const scheme = match[1] as string;
  if (scheme.toLowerCase() !== 'basic') {
    return { kind: 'other', scheme };
  }
  const encoded = (match[2] ?? '').trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
    return { kind: 'malformed', reason: 'Basic credentials are not valid base64' };
  }
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) {
    return { kind: 'malformed', reason: 'Basic credentials must be "username:token"' };
  }
  return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
