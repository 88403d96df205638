/**
 * How the groups stored in MongoDB and the groups an identity provider sent combine: a user's groups are the
 * stored groups (set by administrators) together with the provider groups of their last browser login (replaced
 * at each login). Administrators are users with the store's flag or members, by either source, of one of
 * auth.admin_groups (the policy decides the latter), so a provider admin group is lost at the next login
 * without it, while a flag or a stored group set by an administrator stays until an administrator changes it.
 */
import type { UserRecord } from '../store/types.js';
import type { AuthMethod, Principal } from './principal.js';

export function effectiveGroups(user: Pick<UserRecord, 'groups' | 'providerGroups'>): string[] {
  return [...new Set([...user.groups, ...user.providerGroups])];
}

/**
 * The principal of a stored user who proved who they are with `method`: the store's admin flag, and the user's
 * groups together with any the credential itself carries for this request (a session's sign-in groups, a trusted
 * token's or proxy's groups).
 */
export function userPrincipal(
  user: Pick<UserRecord, 'username' | 'isAdmin' | 'groups' | 'providerGroups'>,
  method: Exclude<AuthMethod, 'anonymous'>,
  extra: { readonly groups?: readonly string[]; readonly credentialId?: string } = {},
): Principal {
  return {
    authenticated: true,
    username: user.username,
    isAdmin: user.isAdmin,
    groups: [...new Set([...effectiveGroups(user), ...(extra.groups ?? [])])],
    method,
    ...(extra.credentialId === undefined ? {} : { credentialId: extra.credentialId }),
  };
}
