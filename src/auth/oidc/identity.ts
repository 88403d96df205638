/**
 * The identity a provider sign-in gives (pure): the username from the configured claims of the ID token (the
 * userinfo answer fills in what the ID token leaves out), and the provider groups from the groups attribute of
 * both.
 */
import { claimAt, groupsFromClaim, usernameFromClaims } from './claims.js';
import type { OidcSignIn } from './client.js';
import type { OidcProviderSettings } from './settings.js';

export type ProviderIdentity =
  | {
      readonly ok: true;
      readonly username: string;
      readonly providerGroups: readonly string[];
      /** Group entries left out (not valid group names), for the log. */
      readonly ignoredGroups: readonly string[];
    }
  | { readonly ok: false; readonly reason: string };

export function providerIdentity(
  signIn: Pick<OidcSignIn, 'claims' | 'userinfo'>,
  settings: Pick<OidcProviderSettings, 'usernameClaims' | 'groupsAttribute'>,
): ProviderIdentity {
  const claims = { ...(signIn.userinfo ?? {}), ...signIn.claims };
  const username = usernameFromClaims(claims, settings.usernameClaims);
  if (!username.ok) {
    return username;
  }
  const fromToken = groupsFromClaim(claimAt(signIn.claims, settings.groupsAttribute));
  const fromUserinfo =
    signIn.userinfo === null
      ? { groups: [], ignored: [] }
      : groupsFromClaim(claimAt(signIn.userinfo, settings.groupsAttribute));
  return {
    ok: true,
    username: username.username,
    providerGroups: [...new Set([...fromToken.groups, ...fromUserinfo.groups])],
    ignoredGroups: [...fromToken.ignored, ...fromUserinfo.ignored],
  };
}
