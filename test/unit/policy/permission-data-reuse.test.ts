/**
 * A build of the permission data that reuses the previous one (src/policy/permission-data.ts, previous): for every
 * kind of change a reload can meet, it must equal a build from scratch of the same rules.
 */
import { expect } from 'chai';

import { silentLogger } from '../../../src/logging.js';
import type { PolicyRules } from '../../../src/policy/data.js';
import { createLiveData } from '../../../src/policy/live-data.js';
import {
  type PermissionData,
  buildPermissionData,
  readPermissionData,
  sameStored,
} from '../../../src/policy/permission-data.js';
import { createMemoryStore } from '../../../src/store/memory/store.js';
import type { RuleLimits } from '../../../src/policy/rule-limits.js';
import type { RegexRuleRecord } from '../../../src/store/types.js';
import { canonical } from '../../helpers/canonical-json.js';
import { storedRule } from '../../helpers/regex-rule.js';

const isValidPattern = (pattern: string): boolean => pattern !== 'broken(';

/** 300 rules of 60 principals, users and groups, two resource types, some invalid. */
function baseRules(): RegexRuleRecord[] {
  const rules: RegexRuleRecord[] = [];
  for (let i = 0; i < 300; i++) {
    const principal = i % 60;
    rules.push(
      storedRule(`rx-${String(i).padStart(3, '0')}`, {
        principalType: principal % 2 === 0 ? 'user' : 'group',
        principal: `p-${principal}`,
        resourceType: principal % 7 === 0 ? 'registered_model' : 'experiment',
        pattern: i % 41 === 0 ? 'broken(' : `team-${i}/.*`,
        priority: (i * 13) % 50,
        permission: i % 4 === 0 ? 'NO_PERMISSIONS' : 'READ',
      }),
    );
  }
  return rules;
}

const replaced = (rules: RegexRuleRecord[], id: string, fields: Record<string, unknown>): RegexRuleRecord[] =>
  rules.map((r) => (r.id === id ? { ...r, ...fields } : r));

/** Each change a reload can meet, from the base rules. */
const CHANGES: readonly (readonly [string, (rules: RegexRuleRecord[]) => RegexRuleRecord[]])[] = [
  ['nothing changed', (rules) => rules],
  ['the same rules read again (new objects, equal fields)', (rules) => rules.map((r) => ({ ...r }))],
  ['a rule added to a principal', (rules) => [...rules, storedRule('rx-new', { principal: 'p-1', pattern: 'x/.*' })]],
  ['a rule of a new principal', (rules) => [...rules, storedRule('rx-new', { principal: 'brand-new' })]],
  ['a rule removed', (rules) => rules.filter((r) => r.id !== 'rx-005')],
  ["all of a principal's rules removed", (rules) => rules.filter((r) => r.principal !== 'p-5')],
  ['a priority changed', (rules) => replaced(rules, 'rx-010', { priority: 0 })],
  ['a permission changed', (rules) => replaced(rules, 'rx-010', { permission: 'MANAGE' })],
  ['a pattern changed to one that does not compile', (rules) => replaced(rules, 'rx-010', { pattern: 'broken(' })],
  ['a pattern fixed', (rules) => replaced(rules, 'rx-041', { pattern: 'fixed/.*' })],
  ['a priority of the wrong type (edited by hand)', (rules) => replaced(rules, 'rx-011', { priority: '1' })],
  ['a priority that is NaN', (rules) => replaced(rules, 'rx-011', { priority: Number.NaN })],
  ['a rule that names no principal', (rules) => replaced(rules, 'rx-012', { principal: undefined })],
  ['a rule moved to another principal', (rules) => replaced(rules, 'rx-013', { principal: 'p-14' })],
  ['a rule moved to another resource type', (rules) => replaced(rules, 'rx-013', { resourceType: 'prompt' })],
  ['a user rule made a group rule', (rules) => replaced(rules, 'rx-014', { principalType: 'group' })],
  ['a rule given another id', (rules) => replaced(rules, 'rx-015', { id: 'rx-015b' })],
  ['rules read in another order', (rules) => [...rules].reverse()],
  [
    'a principal pushed over the rule limit',
    (rules) => [
      ...rules,
      ...Array.from({ length: 6 }, (_, i) => storedRule(`rx-crowd-${i}`, { principal: 'p-1', pattern: `c${i}` })),
    ],
  ],
  ['a principal over the limit brought back under it', (rules) => rules.filter((r) => r.principal !== 'crowded')],
  ['a principal named __proto__', (rules) => [...rules, storedRule('rx-proto', { principal: '__proto__' })]],
  ['every rule removed', () => []],
];

/** The base, with one principal over the limits below (LIMITS: 8 rules). */
const withCrowd = (): RegexRuleRecord[] => [
  ...baseRules(),
  ...Array.from({ length: 10 }, (_, i) => storedRule(`rx-crowded-${i}`, { principal: 'crowded', pattern: `k${i}` })),
];
const LIMITS: RuleLimits = { maxRules: 8, maxChars: 4096 };

function expectSameBuild(reused: PermissionData, fresh: PermissionData): void {
  expect(canonical(reused.data)).to.equal(canonical(fresh.data));
  expect(reused.invalid.map((i) => [i.rule.id, i.problem])).to.deep.equal(
    fresh.invalid.map((i) => [i.rule.id, i.problem]),
  );
  // The invalid rules are those read now (the caller logs them and their principals).
  for (const { rule } of reused.invalid) expect(reused.rules).to.include(rule);
  const overs = (d: PermissionData): string[] => d.overLimit.map((o) => JSON.stringify(o)).sort();
  expect(overs(reused)).to.deep.equal(overs(fresh));
}

const listsOf = (data: object): Map<string, unknown> => {
  const lists = new Map<string, unknown>();
  const rules = (data as { rules: PolicyRules }).rules;
  for (const type of Object.keys(rules)) {
    for (const principalType of ['user', 'group'] as const) {
      const ofType = rules[type]?.[principalType] ?? {};
      for (const principal of Object.keys(ofType))
        lists.set(`${type}/${principalType}/${principal}`, ofType[principal]);
    }
  }
  return lists;
};

describe('permission data built reusing the previous build', () => {
  for (const [name, change] of CHANGES) {
    it(`equals a build from scratch: ${name}`, async () => {
      const before = await buildPermissionData(withCrowd(), [], { isValidPattern, limits: LIMITS });
      const rules = change(withCrowd());
      const reused = await buildPermissionData(rules, [], {
        isValidPattern,
        limits: LIMITS,
        previous: before.reusable,
      });
      const fresh = await buildPermissionData(rules, [], { isValidPattern, limits: LIMITS });
      expectSameBuild(reused, fresh);
    });
  }

  it('equals a build from scratch after every change in turn, each build reusing the one before', async () => {
    let previous = (await buildPermissionData(withCrowd(), [], { isValidPattern, limits: LIMITS })).reusable;
    let rules = withCrowd();
    for (const [, change] of CHANGES.slice(0, -1)) {
      rules = change(rules);
      const reused = await buildPermissionData(rules, [], { isValidPattern, limits: LIMITS, previous });
      expectSameBuild(reused, await buildPermissionData(rules, [], { isValidPattern, limits: LIMITS }));
      previous = reused.reusable;
    }
  });

  it('shares the lists of the principals whose rules did not change, frozen, and builds the others anew', async () => {
    const before = await buildPermissionData(baseRules(), [], { isValidPattern, limits: LIMITS });
    const after = await buildPermissionData(
      replaced(
        baseRules().map((r) => ({ ...r })),
        'rx-010',
        { priority: 0 },
      ),
      [],
      { isValidPattern, limits: LIMITS, previous: before.reusable },
    );
    const old = listsOf(before.data);
    const now = listsOf(after.data);
    expect([...now.keys()]).to.have.members([...old.keys()]);
    // rx-010 is p-10's (a user rule, experiment).
    for (const [key, list] of now) {
      if (key === 'experiment/user/p-10') expect(list, key).to.not.equal(old.get(key));
      else expect(list, key).to.equal(old.get(key));
      expect(Object.isFrozen(list), key).to.equal(true);
      for (const rule of list as object[]) expect(Object.isFrozen(rule), key).to.equal(true);
    }
  });

  it('sees a record changed in place and listed again (the same object) as changed', async () => {
    const rules = baseRules();
    const before = await buildPermissionData(rules, [], { isValidPattern, limits: LIMITS });
    (rules[10] as unknown as Record<string, unknown>)['priority'] = 0;
    const reused = await buildPermissionData(rules, [], { isValidPattern, limits: LIMITS, previous: before.reusable });
    expectSameBuild(reused, await buildPermissionData(rules, [], { isValidPattern, limits: LIMITS }));
    expect(listsOf(reused.data).get('experiment/user/p-10')).to.not.equal(
      listsOf(before.data).get('experiment/user/p-10'),
    );
  });

  it('reuses nothing when the limits changed, so the new limits apply', async () => {
    const before = await buildPermissionData(withCrowd(), [], { isValidPattern, limits: LIMITS });
    const limits: RuleLimits = { maxRules: 50, maxChars: 4096 };
    const reused = await buildPermissionData(withCrowd(), [], { isValidPattern, limits, previous: before.reusable });
    expect(reused.overLimit).to.deep.equal([]);
    expectSameBuild(reused, await buildPermissionData(withCrowd(), [], { isValidPattern, limits }));
    for (const [key, list] of listsOf(reused.data)) expect(list, key).to.not.equal(listsOf(before.data).get(key));
  });

  it('compares stored rules field by field, in order', () => {
    const a = [storedRule('rx-1'), storedRule('rx-2', { priority: 3 })];
    expect(
      sameStored(
        a,
        a.map((r) => ({ ...r })),
      ),
    ).to.equal(true);
    expect(sameStored(a, [...a].reverse())).to.equal(false);
    expect(sameStored(a, a.slice(1))).to.equal(false);
    for (const field of ['id', 'resourceType', 'principalType', 'principal', 'pattern', 'priority', 'permission']) {
      const changed = [a[0] as RegexRuleRecord, { ...a[1], [field]: 'other' } as unknown as RegexRuleRecord];
      expect(sameStored(a, changed), field).to.equal(false);
    }
    // What the policy data is not built from does not count.
    expect(sameStored(a, [a[0] as RegexRuleRecord, { ...a[1], createdBy: 'x' }])).to.equal(true);
    // A value of the wrong type is only the same as itself.
    const odd = [storedRule('rx-1', { priority: { n: 1 } })];
    expect(sameStored(odd, [storedRule('rx-1', { priority: { n: 1 } })])).to.equal(false);
  });

  it('is what live data installs, reload after reload, as a build from scratch gives', async () => {
    const store = createMemoryStore();
    const installed: object[] = [];
    const live = createLiveData({
      version: store.permissionVersion,
      rules: store.regexRules,
      groups: store.groups,
      baseData: {},
      install: (data) => {
        installed.push(data);
        return Promise.resolve();
      },
      isValidPattern,
      limits: LIMITS,
      intervalMs: 3_600_000,
      maxStaleMs: 3_600_000,
      logger: silentLogger,
    });
    const rule = (principal: string, pattern: string, priority = 5) =>
      store.regexRules.add({
        resourceType: 'experiment',
        principalType: 'group',
        principal,
        pattern,
        priority,
        permission: 'READ',
        createdBy: 't',
      });
    for (let i = 0; i < 20; i++) await rule(`g-${i % 5}`, `team-${i}/.*`, i);
    await live.start();
    const first = await rule('g-1', 'late/.*', 0);
    const writes: (() => Promise<unknown>)[] = [
      () => rule('g-9', 'new/.*'),
      () => store.regexRules.update(first.id, { priority: 50 }),
      () => store.regexRules.update(first.id, { permission: 'NO_PERMISSIONS' }),
      () => rule('g-2', 'broken('),
      () => store.regexRules.remove(first.id),
      () => store.regexRules.removeAllForPrincipal('group', 'g-3'),
      () => Promise.all(Array.from({ length: 9 }, (_, i) => rule('g-4', `crowd-${i}`))),
      () => store.regexRules.removeAllForPrincipal('group', 'g-4'),
    ];
    for (const write of writes) {
      await write();
      await live.refresh();
      const fresh = await readPermissionData({
        rules: store.regexRules,
        groups: store.groups,
        isValidPattern,
        limits: LIMITS,
      });
      expect(canonical(installed.at(-1))).to.equal(canonical(fresh.data));
    }
    expect(installed).to.have.length(writes.length + 1);
  });
});
