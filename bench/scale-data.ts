/**
 * The permission data of bench/decision-scale.ts: users in groups, experiments with names, grants to users and to
 * groups, and regex rules of users and of groups, generated from a seed (the same run gives the same data), and
 * loaded into MongoDB in large batches straight into the collections the repositories read, in the documents'
 * own shape (src/store/mongo/collections.ts). Loading through the repositories would bump the permission version
 * once per write; the caller bumps it once at the end instead.
 */
import type { PermissionLevel } from '../src/config/schema.js';
import {
  type Collections,
  type GrantDocument,
  type RegexRuleDocument,
  type UserDocument,
} from '../src/store/mongo/collections.js';
import { createMemoryStore } from '../src/store/memory/store.js';
import { grantKey } from '../src/store/pages.js';
import type { GrantRepository } from '../src/store/types.js';

export interface ScaleOptions {
  readonly users: number;
  readonly groups: number;
  readonly experiments: number;
  readonly grants: number;
  readonly rules: number;
  /** Share of the grants made to users (the rest go to groups). */
  readonly userGrantShare: number;
  /** Share of the regex rules that are group rules (the rest are user rules). */
  readonly groupRuleShare: number;
  readonly seed: number;
}

/** A number from the environment, or `fallback`. */
export const envNumber = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

/** The scale (10,000 users, 1,000 groups, 100,000 grants, 1,000 rules); BENCH_SCALE_* change it. */
export function scaleFromEnv(): ScaleOptions {
  return {
    users: envNumber('BENCH_SCALE_USERS', 10_000),
    groups: envNumber('BENCH_SCALE_GROUPS', 1_000),
    experiments: envNumber('BENCH_SCALE_EXPERIMENTS', 10_000),
    grants: envNumber('BENCH_SCALE_GRANTS', 100_000),
    rules: envNumber('BENCH_SCALE_RULES', 1_000),
    userGrantShare: 0.6,
    groupRuleShare: 0.7,
    seed: envNumber('BENCH_SCALE_SEED', 8),
  };
}

export interface ScaleUser {
  readonly username: string;
  readonly groups: readonly string[];
}

export interface ScaleExperiment {
  readonly id: string;
  readonly name: string;
}

export interface ScaleData {
  readonly users: readonly ScaleUser[];
  readonly groups: readonly string[];
  readonly experiments: readonly ScaleExperiment[];
  readonly grants: readonly GrantDocument[];
  readonly rules: readonly RegexRuleDocument[];
  /** Ids of the experiments a user holds a grant on, their own or one of their groups'. */
  granted(user: ScaleUser): readonly string[];
  /** How many regex rules each group has. */
  readonly groupRuleCount: ReadonlyMap<string, number>;
}

/** A small, fast, seeded generator (mulberry32): the same seed gives the same data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

const GRANT_LEVELS: readonly PermissionLevel[] = [
  'READ',
  'READ',
  'READ',
  'USE',
  'EDIT',
  'EDIT',
  'MANAGE',
  'NO_PERMISSIONS',
];

export function generateScaleData(options: ScaleOptions): ScaleData {
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const width = Math.max(3, String(options.groups - 1).length);
  const groups = Array.from({ length: options.groups }, (_, i) => `team-${pad(i, width)}`);
  const users: ScaleUser[] = Array.from({ length: options.users }, (_, i) => {
    // One to three groups each.
    const count = 1 + Math.floor(random() * 3);
    const mine = new Set<string>();
    while (mine.size < Math.min(count, groups.length)) mine.add(pick(groups));
    return { username: `user-${pad(i, 5)}`, groups: [...mine] };
  });
  // Each experiment is named after a team, as teams name theirs: team-042/exp-17, some frozen-, some run-.
  const experiments: ScaleExperiment[] = Array.from({ length: options.experiments }, (_, i) => {
    const team = groups[i % groups.length] as string;
    const kind = i % 10 === 0 ? 'frozen' : i % 3 === 0 ? 'run' : 'exp';
    return { id: String(i + 1), name: `${team}/${kind}-${i}` };
  });

  const createdAt = new Date();
  const grants = new Map<string, GrantDocument>();
  const byPrincipal = new Map<string, string[]>();
  while (grants.size < options.grants) {
    const experiment = pick(experiments);
    const toUser = random() < options.userGrantShare;
    const principal = toUser ? pick(users).username : pick(groups);
    const principalType = toUser ? 'user' : 'group';
    const _id = grantKey('experiment', experiment.id, principalType, principal);
    if (grants.has(_id)) continue;
    grants.set(_id, {
      _id,
      resourceType: 'experiment',
      resourceId: experiment.id,
      principalType,
      principal,
      permission: pick(GRANT_LEVELS),
      createdAt,
      createdBy: 'bench',
    });
    const key = `${principalType}:${principal}`;
    (byPrincipal.get(key) ?? byPrincipal.set(key, []).get(key))?.push(experiment.id);
  }

  const rules = new Map<string, RegexRuleDocument>();
  const groupRuleCount = new Map<string, number>();
  let next = 0;
  while (rules.size < options.rules) {
    const ofGroup = random() < options.groupRuleShare;
    const principal = ofGroup ? pick(groups) : pick(users).username;
    // Half of the rules are about the principal's own team, the rest about any team.
    const team = ofGroup && random() < 0.5 ? principal : pick(groups);
    const [pattern, permission] = pick<readonly [string, PermissionLevel]>([
      [`${team}/.*`, 'EDIT'],
      [`${team}/frozen-.*`, 'NO_PERMISSIONS'],
      [`(?i)${team.toUpperCase()}/exp-[0-9]*${Math.floor(random() * 10)}`, 'READ'],
      [`${team}/(exp|run)-[0-9]{1,4}`, 'USE'],
      [`team-[0-9]{${width}}/run-.*`, 'READ'],
    ]);
    const principalType = ofGroup ? 'group' : 'user';
    const key = `${principalType}\u0000${principal}\u0000${pattern}`;
    if (rules.has(key)) continue;
    next += 1;
    rules.set(key, {
      _id: `rx-bench${pad(next, 6)}`,
      resourceType: 'experiment',
      principalType,
      principal,
      pattern,
      priority: 1 + Math.floor(random() * 100),
      permission,
      createdAt,
      createdBy: 'bench',
    });
    if (ofGroup) groupRuleCount.set(principal, (groupRuleCount.get(principal) ?? 0) + 1);
  }

  return {
    users,
    groups,
    experiments,
    grants: [...grants.values()],
    rules: [...rules.values()],
    granted: (user) => [
      ...(byPrincipal.get(`user:${user.username}`) ?? []),
      ...user.groups.flatMap((group) => byPrincipal.get(`group:${group}`) ?? []),
    ],
    groupRuleCount,
  };
}

export interface LoadTiming {
  readonly collection: string;
  readonly documents: number;
  readonly seconds: number;
}

/** Inserts the data in batches of `batchSize` (unordered insertMany); returns the time per collection. */
export async function loadScaleData(
  collections: Collections,
  data: ScaleData,
  batchSize: number,
): Promise<LoadTiming[]> {
  const createdAt = new Date();
  const users: UserDocument[] = data.users.map((user) => ({
    _id: user.username,
    isAdmin: false,
    groups: [...user.groups],
    providerGroups: [],
    createdAt,
  }));
  const timings: LoadTiming[] = [];
  const insert = async <T extends { _id: string }>(
    name: string,
    collection: { insertMany(docs: T[], options: { ordered: boolean }): Promise<unknown> },
    docs: readonly T[],
  ): Promise<void> => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < docs.length; i += batchSize) {
      await collection.insertMany(docs.slice(i, i + batchSize), { ordered: false });
    }
    timings.push({
      collection: name,
      documents: docs.length,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    });
  };
  await insert('users', collections.users, users);
  await insert('grants', collections.grants, data.grants);
  await insert('regex_rules', collections.regexRules, data.rules);
  return timings;
}

/**
 * The grants (those `keep` accepts; all by default) in an in-memory store: a grant cache filled from it answers as
 * one filled from MongoDB would, without one scan of the grants per caller.
 */
export async function grantsInMemory(
  grants: readonly GrantDocument[],
  keep: (grant: GrantDocument) => boolean = () => true,
): Promise<GrantRepository> {
  const memory = createMemoryStore();
  for (const grant of grants) {
    if (!keep(grant)) continue;
    await memory.grants.put({
      resourceType: grant.resourceType,
      resourceId: grant.resourceId,
      principalType: grant.principalType,
      principal: grant.principal,
      permission: grant.permission,
      createdBy: grant.createdBy,
    });
  }
  return memory.grants;
}
