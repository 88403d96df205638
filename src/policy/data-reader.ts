/**
 * Reads the rules and groups the policy's data is built from, for live data (live-data.ts): everything the first
 * time, then only the parts whose versions changed since the last read (src/store/data-parts.ts), merged into what
 * was read before. Reading every rule and group on each change cost every replica a full scan of both collections
 * (on FerretDB, about 75 ms of the server's CPU per 1,000 documents, on cores shared with the gateway); a change
 * names the principal or group it touched, so one change reads a handful of documents.
 *
 * Everything is read again when the versions cannot say what changed: the first read, a write that named no parts
 * (`full` changed: a grant move), a last write that recorded no part (an older mlgate, during a rolling upgrade), a
 * data version that changed with no part changing, a part this version does not know, more than MAX_PARTS changed parts (a bulk apply: one scan is cheaper than many look-ups),
 * and at least every FULL_READ_EVERY_MS, so that a write that ever failed to record its part is healed.
 */
import {
  type DataPart,
  type DataPartVersions,
  changedParts,
  decodePart,
  partKey,
  rulesPart,
} from '../store/data-parts.js';
import type {
  GroupRecord,
  GroupRepository,
  PermissionVersionRepository,
  RegexRuleFields,
  RegexRuleRepository,
} from '../store/types.js';

/** Changed parts read one by one at most; past this, everything is read. */
export const MAX_PARTS = 64;

/** The longest time between two reads of everything (ms). */
export const FULL_READ_EVERY_MS = 10 * 60_000;

/**
 * Parts recorded before the version document is kept small: past this many, the parts this replica has known at
 * their version for FORGET_AFTER_MS are forgotten (partsToForget). Every replica reads the document every refresh
 * interval and everything every FULL_READ_EVERY_MS, so by then each has read them; one that still holds a forgotten
 * part reads it again (it looks changed), and finds its rules as they are.
 */
export const FORGET_ABOVE = 2_000;
export const FORGET_AFTER_MS = 30 * 60_000;

export interface DataReaderDeps {
  readonly version: Pick<PermissionVersionRepository, 'readParts'>;
  readonly rules: Pick<RegexRuleRepository, 'listForPolicy' | 'listForPrincipals'>;
  readonly groups: Pick<GroupRepository, 'list' | 'getMany'>;
  readonly now: () => number;
}

/** What a read found, and what the next read starts from. */
export interface DataRead {
  /** The data version the rules and groups are (at least) as new as. */
  readonly data: string;
  readonly rules: RegexRuleFields[];
  readonly groups: GroupRecord[];
  /** How it was read: everything, or the parts that changed (how many). */
  readonly how: { readonly full: true } | { readonly full: false; readonly parts: number };
  /** Give it to the next read (once the data read here is in use). */
  readonly state: ReadState;
}

/** Opaque to callers: what was read, by part, and the versions it was read at. */
export interface ReadState {
  readonly full: string;
  readonly parts: ReadonlyMap<string, string>;
  /** Each principal's rules (partKey of its rules part), in the store's order. */
  readonly rules: ReadonlyMap<string, readonly RegexRuleFields[]>;
  readonly groups: ReadonlyMap<string, GroupRecord>;
  readonly fullReadAt: number;
  /** When this replica first read each part at its current version (its own clock: writers' clocks may differ). */
  readonly seenAt: ReadonlyMap<string, number>;
}

export async function readData(deps: DataReaderDeps, previous: ReadState | undefined): Promise<DataRead> {
  // The part versions first: a write landing after this records a newer version, and the next read reads it again.
  const versions = await deps.version.readParts();
  const changed = partsToRead(previous, versions, deps.now());
  if (previous === undefined || changed === null) {
    const [rules, groups] = await Promise.all([deps.rules.listForPolicy(), deps.groups.list()]);
    const state: ReadState = {
      full: versions.full,
      parts: versions.parts,
      rules: byPrincipal(rules),
      groups: new Map(groups.map((group) => [group.name, group])),
      fullReadAt: deps.now(),
      seenAt: seenNow(versions.parts, previous, deps.now()),
    };
    return { data: versions.data, rules, groups, how: { full: true }, state };
  }
  const principals = changed.flatMap((part) => (part.kind === 'rules' ? [part] : []));
  const names = changed.flatMap((part) => (part.kind === 'group' ? [part.name] : []));
  const [rules, groups] = await Promise.all([deps.rules.listForPrincipals(principals), deps.groups.getMany(names)]);
  const nextRules = new Map(previous.rules);
  for (const principal of principals) nextRules.delete(partKey(principal));
  for (const [key, list] of byPrincipal(rules)) nextRules.set(key, list);
  const nextGroups = new Map(previous.groups);
  for (const name of names) nextGroups.delete(name);
  for (const group of groups) nextGroups.set(group.name, group);
  const state: ReadState = {
    full: versions.full,
    parts: versions.parts,
    rules: nextRules,
    groups: nextGroups,
    fullReadAt: previous.fullReadAt,
    seenAt: seenNow(versions.parts, previous, deps.now()),
  };
  return {
    data: versions.data,
    rules: [...nextRules.values()].flat(),
    groups: [...nextGroups.values()],
    how: { full: false, parts: changed.length },
    state,
  };
}

/** The parts to read, or null when everything must be read (see above). */
function partsToRead(
  previous: ReadState | undefined,
  { data, full, parts }: DataPartVersions,
  now: number,
): DataPart[] | null {
  if (previous === undefined || previous.full !== full || now - previous.fullReadAt >= FULL_READ_EVERY_MS) return null;
  // Every write of this version gives its data version to a part or to `full`: a data version found in neither was
  // written by an mlgate that records no parts (a rolling upgrade), and says nothing of what it changed.
  if (full !== data && !hasValue(parts, data)) return null;
  const keys = changedParts(previous.parts, parts);
  if (keys.length === 0 || keys.length > MAX_PARTS) return null;
  const decoded: DataPart[] = [];
  for (const key of keys) {
    const part = decodePart(key);
    if (part === null) return null;
    decoded.push(part);
  }
  return decoded;
}

/**
 * The parts that may be forgotten (FORGET_ABOVE): none while there are at most that many, else those this replica
 * has known at their version for FORGET_AFTER_MS.
 */
export function partsToForget(state: ReadState, now: number): string[] {
  if (state.parts.size <= FORGET_ABOVE) return [];
  const forget: string[] = [];
  for (const [key, at] of state.seenAt) if (now - at >= FORGET_AFTER_MS) forget.push(key);
  return forget;
}

/** When each part was first seen at its version: kept from `previous` where the version is the same, else now. */
function seenNow(
  parts: ReadonlyMap<string, string>,
  previous: ReadState | undefined,
  now: number,
): Map<string, number> {
  const seen = new Map<string, number>();
  for (const [key, version] of parts) {
    const before = previous?.parts.get(key) === version ? previous.seenAt.get(key) : undefined;
    seen.set(key, before ?? now);
  }
  return seen;
}

function hasValue(map: ReadonlyMap<string, string>, value: string): boolean {
  for (const v of map.values()) if (v === value) return true;
  return false;
}

/** Rules by their principal's part key, each list in the order read. */
function byPrincipal(rules: readonly RegexRuleFields[]): Map<string, RegexRuleFields[]> {
  const lists = new Map<string, RegexRuleFields[]>();
  for (const rule of rules) {
    const key = partKey(rulesPart(rule));
    const list = lists.get(key);
    if (list === undefined) lists.set(key, [rule]);
    else list.push(rule);
  }
  return lists;
}
