/**
 * Who may finish a browser login, and as what. A user may sign in when they are an administrator (the store's
 * flag, or a member of one of the admin groups) or a member of one of the allowed groups; an empty allowed list
 * lets every user the provider authenticates in. Groups here are the combined groups (stored and provider).
 */

export interface LoginAccessInput {
  readonly groups: readonly string[];
  readonly storeAdmin: boolean;
  readonly adminGroups: readonly string[];
  readonly allowedGroups: readonly string[];
}

export type LoginAccess =
  | { readonly allowed: true; readonly isAdmin: boolean }
  | { readonly allowed: false; readonly requiredGroups: readonly string[] };

export function decideLoginAccess(input: LoginAccessInput): LoginAccess {
  const member = (names: readonly string[]) => names.some((name) => input.groups.includes(name));
  const isAdmin = input.storeAdmin || member(input.adminGroups);
  if (isAdmin || input.allowedGroups.length === 0 || member(input.allowedGroups)) {
    return { allowed: true, isAdmin };
  }
  return { allowed: false, requiredGroups: [...new Set([...input.allowedGroups, ...input.adminGroups])] };
}
