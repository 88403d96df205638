/**
 * The users a grant change can reach, as the policy will see them: a user grant reaches its user (as stored, or
 * with no groups when not stored yet: a regex rule may still name them), a group grant every stored user in the
 * group by stored or provider groups. Groups a credential carries for one request only (a trusted token's claims,
 * a proxy header) are not known here.
 */
import { effectiveGroups, userPrincipal } from '../../auth/effective-groups.js';
import type { Principal } from '../../auth/principal.js';
import { MlgateError } from '../../errors.js';
import type { PrincipalType, UserRepository } from '../../store/types.js';

/** Most members of a group a MANAGE holder's change is checked against; a larger group is left to administrators. */
export const MAX_AFFECTED_USERS = 500;

export async function affectedUsers(
  users: Pick<UserRepository, 'get' | 'list'>,
  holder: { readonly principalType: PrincipalType; readonly principal: string },
): Promise<Principal[]> {
  if (holder.principalType === 'user') {
    const user = await users.get(holder.principal);
    return [
      userPrincipal(user ?? { username: holder.principal, isAdmin: false, groups: [], providerGroups: [] }, 'basic'),
    ];
  }
  const members = (await users.list()).filter((user) => effectiveGroups(user).includes(holder.principal));
  if (members.length > MAX_AFFECTED_USERS) {
    throw new MlgateError(
      'MLGATE_ADMIN_REQUIRED',
      `Group ${holder.principal} has more than ${MAX_AFFECTED_USERS} members, too many to check that the change ` +
        'gives or takes MANAGE from none of them; ask an administrator to make it.',
    );
  }
  return members.map((user) => userPrincipal(user, 'basic'));
}
