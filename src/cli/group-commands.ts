/**
 * `mlgate group create|list|set|delete`: groups defined in the store (issue 8, item 2). A defined group exists
 * before any member signs in, and carries the permission it gets on what its members create.
 */
import { PERMISSION_LEVELS, type PermissionLevel } from '../config/schema.js';
import { MlgateError } from '../errors.js';
import type { GroupRecord, Store } from '../store/types.js';
import { type Output, requireGroup } from './admin-commands.js';

function usage(message: string): MlgateError {
  return new MlgateError('MLGATE_USAGE', `${message} Run "mlgate help" for usage.`);
}

function groupName(raw: string | undefined): string {
  if (raw === undefined) {
    throw usage('A group name is required.');
  }
  return requireGroup(raw);
}

/** `--creator-permission`: a level, or "none" for nothing; undefined when the option is absent. */
export function creatorPermissionOf(raw: string | undefined): PermissionLevel | null | undefined {
  if (raw === undefined) {
    return undefined;
  }
  if (raw.toLowerCase() === 'none') {
    return null;
  }
  const level = raw.toUpperCase() as PermissionLevel;
  if (!PERMISSION_LEVELS.includes(level) || level === 'NO_PERMISSIONS') {
    throw usage('--creator-permission must be one of READ, USE, EDIT, MANAGE or none.');
  }
  return level;
}

function groupData(group: GroupRecord): Record<string, unknown> {
  return {
    name: group.name,
    description: group.description,
    creator_permission: group.creatorPermission,
    created_at: group.createdAt.toISOString(),
    created_by: group.createdBy,
  };
}

function describeGroup(group: GroupRecord): string {
  const creator = group.creatorPermission === null ? '' : `  creator permission ${group.creatorPermission}`;
  return `${group.name}${creator}${group.description === '' ? '' : `  (${group.description})`}`;
}

export async function createGroup(
  store: Store,
  args: { name: string | undefined; description: string | undefined; creatorPermission: string | undefined },
): Promise<Output> {
  const group = await store.groups.create({
    name: groupName(args.name),
    description: args.description ?? '',
    creatorPermission: creatorPermissionOf(args.creatorPermission) ?? null,
    createdBy: 'cli',
  });
  return { data: groupData(group), lines: [`Defined group ${describeGroup(group)}.`] };
}

export async function listGroups(store: Store): Promise<Output> {
  const groups = await store.groups.list();
  return { data: groups.map(groupData), lines: groups.map(describeGroup) };
}

export async function setGroup(
  store: Store,
  args: { name: string | undefined; description: string | undefined; creatorPermission: string | undefined },
): Promise<Output> {
  const name = groupName(args.name);
  const creatorPermission = creatorPermissionOf(args.creatorPermission);
  if (args.description === undefined && creatorPermission === undefined) {
    throw usage('Give --description and/or --creator-permission.');
  }
  const group = await store.groups.update(name, {
    ...(args.description === undefined ? {} : { description: args.description }),
    ...(creatorPermission === undefined ? {} : { creatorPermission }),
  });
  if (group === null) {
    throw new MlgateError('MLGATE_NO_SUCH_OBJECT', `Group "${name}" is not defined (see mlgate group list).`);
  }
  return { data: groupData(group), lines: [`Updated group ${describeGroup(group)}.`] };
}

/**
 * Deletes a group and everything it held: its definition, its grants, its regex rules and its place in users'
 * stored groups (groups an identity provider sends come back at the member's next login, with nothing granted).
 * Works for groups that were never defined too.
 */
export async function deleteGroup(store: Store, args: { name: string | undefined }): Promise<Output> {
  const name = groupName(args.name);
  const defined = await store.groups.delete(name);
  const grants = await store.grants.removeAllForPrincipal('group', name);
  const rules = await store.regexRules.removeAllForPrincipal('group', name);
  const members = await store.users.removeGroupEverywhere(name);
  if (!defined && grants === 0 && rules === 0 && members === 0) {
    throw new MlgateError('MLGATE_NO_SUCH_OBJECT', `There is no group "${name}": nothing defines, grants or names it.`);
  }
  return {
    data: { deleted: name, defined, grants_removed: grants, rules_removed: rules, members_removed: members },
    lines: [
      `Deleted group ${name}: ${grants} grant(s), ${rules} regex rule(s) removed; removed from ${members} user(s).`,
    ],
  };
}
