/**
 * The parts of the policy's data a write changes (pure), so that replicas read only those on a reload instead of every
 * rule and group (issue 8: on FerretDB, reading 1,000 rules cost about 75 ms of the server's CPU on every replica
 * for each change, time the two cores of a small machine could not give to requests). Each write of regex rules or
 * groups records a new value for each part it touched in the permission-version document, in the same update that
 * bumps the version; a replica compares those values with the ones it loaded and reads the parts that differ.
 *
 * A part is one principal's regex rules (of every resource type) or one group's definition. A write that does not
 * say what it changed (an older mlgate, a bulk change) sets a new `full` value instead, and replicas read everything.
 */
import type { PrincipalType } from './types.js';

export type DataPart =
  | { readonly kind: 'rules'; readonly principalType: PrincipalType; readonly principal: string }
  | { readonly kind: 'group'; readonly name: string };

/** The version of the data and of each of its parts, read together (one document). */
export interface DataPartVersions {
  /** The data version (PermissionVersion.data) these part versions go with. */
  readonly data: string;
  /** Changes with each data write that named no parts: a replica then reads all the data. */
  readonly full: string;
  /** Each part's version, by partKey. */
  readonly parts: ReadonlyMap<string, string>;
}

/** The part a rule is in: its principal's rules. */
export const rulesPart = (rule: { readonly principalType: PrincipalType; readonly principal: string }): DataPart => ({
  kind: 'rules',
  principalType: rule.principalType,
  principal: rule.principal,
});

/** A string naming the part (decodePart reverses it). */
export function partKey(part: DataPart): string {
  return part.kind === 'rules'
    ? JSON.stringify(['rules', part.principalType, part.principal])
    : JSON.stringify(['group', part.name]);
}

/** The part a key names, or null for a key this version does not know (it is then read in full). */
export function decodePart(key: string): DataPart | null {
  let value: unknown;
  try {
    value = JSON.parse(key);
  } catch {
    return null;
  }
  if (!Array.isArray(value)) return null;
  const [kind, a, b] = value as unknown[];
  if (kind === 'rules' && (a === 'user' || a === 'group') && typeof b === 'string' && value.length === 3) {
    return { kind: 'rules', principalType: a, principal: b };
  }
  if (kind === 'group' && typeof a === 'string' && value.length === 2) return { kind: 'group', name: a };
  return null;
}

/** The keys whose versions differ between two readings (added, changed or gone). */
export function changedParts(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const changed: string[] = [];
  for (const [key, version] of after) if (before.get(key) !== version) changed.push(key);
  for (const key of before.keys()) if (!after.has(key)) changed.push(key);
  return changed;
}

/** A part key as a MongoDB field name (no dots, no leading $): base64url of its UTF-8. */
export const partField = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');

/** The part key of a field name made by partField. */
export const partOfField = (field: string): string => Buffer.from(field, 'base64url').toString('utf8');
