/**
 * Reads the rules and groups the policy's data is built from, for live data (live-data.ts): everything the first
 * time, then only the parts whose versions changed since the last read (src/store/data-parts.ts), merged into what
 * was read before. Reading every rule and group on each change cost every replica a full scan of both collections
 * (on FerretDB, about 75 ms of the server's CPU per 1,000 documents, on cores shared with the gateway); a change
 * names the principal or group it touched, so one change reads a handful of documents.
 *
 * Everything is read again when the versions cannot say what changed: the first read, a write that named no parts
 * (`full` changed: an older mlgate, a grant move), a data version that changed with no part changing, a part this
 * version does not know, more than MAX_PARTS changed parts (a bulk apply: one scan is cheaper than many look-ups),
 * and at least every FULL_READ_EVERY_MS, so that a write that ever failed to record its part is healed.
 */
import { type DataPart, changedParts, decodePart, partKey, rulesPart } from '../store/data-parts.js';
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
}

export async function readData(deps: DataReaderDeps, previous: ReadState | undefined): Promise<DataRead> {
  // The part versions first: a write landing after this records a newer version, and the next read reads it again.
  const versions = await deps.version.readParts();
  const changed = partsToRead(previous, versions.full, versions.parts, deps.now());
  if (previous === undefined || changed === null) {
    const [rules, groups] = await Promise.all([deps.rules.listForPolicy(), deps.groups.list()]);
    const state: ReadState = {
      full: versions.full,
      parts: versions.parts,
      rules: byPrincipal(rules),
      groups: new Map(groups.map((group) => [group.name, group])),
      fullReadAt: deps.now(),
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
  full: string,
  parts: ReadonlyMap<string, string>,
  now: number,
): DataPart[] | null {
  if (previous === undefined || previous.full !== full || now - previous.fullReadAt >= FULL_READ_EVERY_MS) return null;
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
