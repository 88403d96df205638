/**
 * How the groups stored in MongoDB and the groups an identity provider sent combine: a user's groups are the
 * stored groups (set by administrators) together with the provider groups of their last browser login (replaced
 * at each login). Administrators are users with the store's flag or members, by either source, of one of
 * auth.admin_groups (the policy decides the latter), so a provider admin group is lost at the next login
 * without it, while a flag or a stored group set by an administrator stays until an administrator changes it.
 */
import type { UserRecord } from '../store/types.js';

export function effectiveGroups(user: Pick<UserRecord, 'groups' | 'providerGroups'>): string[] {
  return [...new Set([...user.groups, ...user.providerGroups])];
}
