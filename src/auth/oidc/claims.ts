/**
 * Who a provider says the user is: the username and the groups, read from the claims of the ID token (and the
 * userinfo answer). Pure functions; the login route applies them.
 */
import { emailUnverified } from '../email-verified.js';
import { isValidGroupName, isValidUsername, normalizeUsername } from '../usernames.js';

type Claims = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The value of a claim named by `attribute`: a claim of exactly that name wins ("urn:mlflow:groups",
 * "https://example.org/groups" or even "a.b"); otherwise a dotted path through nested objects
 * ("realm_access.roles"). Undefined when absent.
 */
export function claimAt(claims: Claims, attribute: string): unknown {
  if (Object.hasOwn(claims, attribute)) {
    return claims[attribute];
  }
  if (!attribute.includes('.')) {
    return undefined;
  }
  let current: unknown = claims;
  for (const part of attribute.split('.')) {
    if (!isObject(current) || !Object.hasOwn(current, part)) {
      return undefined;
    }
    current = current[part];
  }
  return current;
}

export interface GroupsFromClaim {
  readonly groups: readonly string[];
  /** Entries left out (not strings, or not valid group names), for the log. */
  readonly ignored: readonly string[];
}

/** Groups from a claim's value: a list of names, or a bare string as one group; absent or null is none. */
export function groupsFromClaim(value: unknown): GroupsFromClaim {
  if (value === undefined || value === null) {
    return { groups: [], ignored: [] };
  }
  const entries: unknown[] = Array.isArray(value) ? value : [value];
  const groups: string[] = [];
  const ignored: string[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string' && isValidGroupName(entry.trim())) {
      groups.push(entry.trim());
    } else {
      ignored.push(typeof entry === 'string' ? entry : (JSON.stringify(entry) ?? String(entry)));
    }
  }
  return { groups: [...new Set(groups)], ignored };
}

export type UsernameFromClaims =
  | { readonly ok: true; readonly username: string; readonly claim: string }
  | { readonly ok: false; readonly reason: string };

/**
 * The username: the first of `fields` (e.g. email, preferred_username) that holds a non-empty string, trimmed and
 * lower-cased as mlgate stores usernames. Refused when that value is not a valid username, and when it is an
 * e-mail address the provider says is not verified (email_verified: false), which would let anyone who can set
 * an address on their provider account take over the user of that name.
 */
export function usernameFromClaims(claims: Claims, fields: readonly string[]): UsernameFromClaims {
  for (const field of fields) {
    const value = claimAt(claims, field);
    if (typeof value !== 'string' || value.trim() === '') {
      continue;
    }
    const username = normalizeUsername(value);
    if (!isValidUsername(username)) {
      return {
        ok: false,
        reason: `the ${field} claim is not a valid mlgate username (letters, digits and . _ @ + -, up to 128)`,
      };
    }
    if (field === 'email' && emailUnverified(claims)) {
      return { ok: false, reason: 'the identity provider says the e-mail address is not verified' };
    }
    return { ok: true, username, claim: field };
  }
  return { ok: false, reason: `the identity provider sent none of the claims ${fields.join(', ')}` };
}
