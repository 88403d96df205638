/**
 * Reads the identity a trusted proxy asserts (pure), from the headers as received: the user from the first
 * configured user header present (proxy_auth.user_headers), groups from a comma list (proxy_auth.groups_header).
 * A header sent twice, or a user header with several comma-separated values, is refused: Node would keep one or
 * join them, and which one the proxy meant is not ours to guess.
 */
import { isValidGroupName, isValidUsername, normalizeUsername } from '../usernames.js';
import { rawHeaderValues } from '../../http/raw-headers.js';

export interface IdentityHeaderNames {
  /** Tried in order; the first one present names the user. */
  readonly userHeaders: readonly string[];
  /** Comma list of groups; '' when groups do not come from the proxy. */
  readonly groupsHeader: string;
}

export type AssertedIdentity =
  | { readonly kind: 'none' }
  | { readonly kind: 'user'; readonly username: string; readonly groups: readonly string[]; readonly header: string }
  | { readonly kind: 'duplicated'; readonly header: string }
  | { readonly kind: 'invalid-user'; readonly header: string };

/** Every configured identity header name, lower case. */
export function identityHeaderNames(names: IdentityHeaderNames): string[] {
  return [...names.userHeaders, ...(names.groupsHeader === '' ? [] : [names.groupsHeader])].map((name) =>
    name.toLowerCase(),
  );
}

/** The configured identity headers this request carries, by lower-case name. */
export function presentIdentityHeaders(rawHeaders: readonly string[], names: IdentityHeaderNames): string[] {
  return identityHeaderNames(names).filter((name) => rawHeaderValues(rawHeaders, name).length > 0);
}

export function readAssertedIdentity(rawHeaders: readonly string[], names: IdentityHeaderNames): AssertedIdentity {
  for (const name of identityHeaderNames(names)) {
    if (rawHeaderValues(rawHeaders, name).length > 1) {
      return { kind: 'duplicated', header: name };
    }
  }
  const header = names.userHeaders
    .map((name) => name.toLowerCase())
    .find((name) => rawHeaderValues(rawHeaders, name).length === 1);
  if (header === undefined) {
    return { kind: 'none' };
  }
  const value = (rawHeaderValues(rawHeaders, header)[0] as string).trim();
  if (value.includes(',')) {
    return { kind: 'duplicated', header };
  }
  const username = normalizeUsername(value);
  if (!isValidUsername(username)) {
    return { kind: 'invalid-user', header };
  }
  const groupsValue = names.groupsHeader === '' ? undefined : rawHeaderValues(rawHeaders, names.groupsHeader)[0];
  const groups = (groupsValue ?? '')
    .split(',')
    .map((group) => group.trim())
    .filter((group) => isValidGroupName(group));
  return { kind: 'user', username, groups: [...new Set(groups)], header };
}
