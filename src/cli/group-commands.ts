/**
 * `mlgate group create|list|set|delete`: groups defined in the store (issue 8, item 2). A defined group exists
 * before any member signs in, and carries the permission it gets on what its members create.
 */
import type { PermissionLevel } from '../config/schema.js';
import { MlgateError } from '../errors.js';
import { deleteGroupEverywhere } from '../permissions/changes.js';
import { CLI_INPUT, parseCreatorPermission, parseGroupName } from '../permissions/input.js';
import { groupJson } from '../permissions/records.js';
import type { GroupRecord, Store } from '../store/types.js';
import type { Output } from './admin-commands.js';

function groupName(raw: string | undefined): string {
  if (raw === undefined) {
    throw CLI_INPUT.invalid('A group name is required.');
  }
  return parseGroupName(raw, CLI_INPUT);
}

/** `--creator-permission`: a level, or "none" for nothing; undefined when the option is absent. */
export function creatorPermissionOf(raw: string | undefined): PermissionLevel | null | undefined {
  return parseCreatorPermission(raw, CLI_INPUT);
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
  return { data: groupJson(group), lines: [`Defined group ${describeGroup(group)}.`] };
}

export async function listGroups(store: Store): Promise<Output> {
  const groups = await store.groups.list();
  return { data: groups.map(groupJson), lines: groups.map(describeGroup) };
}

export async function setGroup(
  store: Store,
  args: { name: string | undefined; description: string | undefined; creatorPermission: string | undefined },
): Promise<Output> {
  const name = groupName(args.name);
  const creatorPermission = creatorPermissionOf(args.creatorPermission);
  if (args.description === undefined && creatorPermission === undefined) {
    throw CLI_INPUT.invalid('Give --description and/or --creator-permission.');
  }
  const group = await store.groups.update(name, {
    ...(args.description === undefined ? {} : { description: args.description }),
    ...(creatorPermission === undefined ? {} : { creatorPermission }),
  });
  if (group === null) {
    throw new MlgateError('MLGATE_NO_SUCH_OBJECT', `Group "${name}" is not defined (see mlgate group list).`);
  }
  return { data: groupJson(group), lines: [`Updated group ${describeGroup(group)}.`] };
}

/** Deletes a group and everything it held (src/permissions/changes.ts). */
export async function deleteGroup(store: Store, args: { name: string | undefined }): Promise<Output> {
  const name = groupName(args.name);
  const deleted = await deleteGroupEverywhere(store, name);
  const { grantsRemoved: grants, rulesRemoved: rules, membersRemoved: members } = deleted;
  return {
    data: {
      deleted: name,
      defined: deleted.defined,
      grants_removed: grants,
      rules_removed: rules,
      members_removed: members,
    },
    lines: [
      `Deleted group ${name}: ${grants} grant(s), ${rules} regex rule(s) removed; removed from ${members} user(s).`,
    ],
  };
}
