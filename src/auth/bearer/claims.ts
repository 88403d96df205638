/**
 * Who a verified token names, and which groups it claims (pure).
 *
 * Username: the first of the configured claims (oidc.username_claims, OIDC_USERNAME_FIELD: by default "email",
 * then "preferred_username") that holds a non-empty string. A token with none of them is a machine identity
 * (an OAuth client_credentials token): its client id names it, from "client_id" (RFC 9068) or else "azp", when
 * the token has no "sub" or the client as its "sub". "sub" is used only when listed in the setting, since for
 * people it is usually an opaque id. An "email" the token does not mark verified (email-verified.ts) is refused,
 * as at browser login.
 */
import { emailUnverified } from '../email-verified.js';
import { isValidGroupName, isValidUsername, normalizeUsername } from '../usernames.js';

export type UsernameFromClaims =
  | { readonly kind: 'ok'; readonly username: string; readonly claim: string }
  | { readonly kind: 'missing'; readonly claims: readonly string[] }
  | { readonly kind: 'invalid'; readonly claim: string };

/** Claims that name an OAuth client, tried when none of the username claims is present. */
export const CLIENT_ID_CLAIMS: readonly string[] = ['client_id', 'azp'];

export function usernameFromClaims(
  payload: Readonly<Record<string, unknown>>,
  usernameClaims: readonly string[],
): UsernameFromClaims {
  for (const claim of [...usernameClaims, ...CLIENT_ID_CLAIMS]) {
    const value = payload[claim];
    if (typeof value === 'string' && value.trim() !== '') {
      // As for browser login: an address the provider says it has not verified names nobody.
      if (claim === 'email' && emailUnverified(payload)) {
        return { kind: 'invalid', claim };
      }
      // A client id names the token only when the token is the client's own (client_credentials: no subject, or
      // the client as its subject, RFC 9068); a person's token without a username claim must not act as the client.
      if (CLIENT_ID_CLAIMS.includes(claim) && payload['sub'] !== undefined && payload['sub'] !== value) {
        return { kind: 'missing', claims: [...usernameClaims, ...CLIENT_ID_CLAIMS] };
      }
      const username = normalizeUsername(value);
      return isValidUsername(username) ? { kind: 'ok', username, claim } : { kind: 'invalid', claim };
    }
  }
  return { kind: 'missing', claims: [...usernameClaims, ...CLIENT_ID_CLAIMS] };
}

/**
 * The groups a claim holds. `path` is a claim name, which may contain colons ("urn:mlflow:groups"), or a dotted
 * path into nested objects ("realm_access.roles"); a claim whose name is the whole path wins. A bare string is
 * one group; anything that is not a valid group name is ignored.
 */
export function groupsFromClaims(payload: Readonly<Record<string, unknown>>, path: string): string[] {
  let value: unknown = Object.hasOwn(payload, path) ? payload[path] : undefined;
  if (value === undefined) {
    value = payload;
    for (const part of path.split('.')) {
      value =
        value !== null && typeof value === 'object' && Object.hasOwn(value, part)
          ? (value as Record<string, unknown>)[part]
          : undefined;
    }
  }
  const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  return [...new Set(items.filter((item): item is string => typeof item === 'string' && isValidGroupName(item)))];
}
