/**
 * Regex rules through the real policy WebAssembly: patterns checked by its RE2, rules in the policy's data
 * (not the input), swapped in by live data polling the store's permission version.
 */
import { expect } from 'chai';

import type { Principal } from '../../../src/auth/principal.js';
import { loadConfig } from '../../../src/config/load.js';
import type { MlgateError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/logging.js';
import { createExperimentNames } from '../../../src/mlflow/names.js';
import { defaultBundlePath } from '../../../src/paths.js';
import { readBundle } from '../../../src/policy/bundle.js';
import { runtimeData, rulesData } from '../../../src/policy/data.js';
import { createDecisionEngine } from '../../../src/policy/engine.js';
import { type ResolvedTarget, buildPolicyInput } from '../../../src/policy/input.js';
import { createLiveData } from '../../../src/policy/live-data.js';
import { readPermissionData } from '../../../src/policy/permission-data.js';
import { MAX_PATTERN_LENGTH, type PatternChecker, createPatternChecker } from '../../../src/policy/patterns.js';
import { createMemoryStore } from '../../../src/store/memory/store.js';
import { storedRule } from '../../helpers/regex-rule.js';
import type { RegexRuleRecord, Store } from '../../../src/store/types.js';

const alice: Principal = {
  authenticated: true,
  username: 'alice',
  isAdmin: false,
  groups: ['team-a'],
  method: 'basic',
};

function target(id: string, name?: string): ResolvedTarget {
  return { type: 'experiment', id, via: 'experiment', ref: id, exists: true, ...(name === undefined ? {} : { name }) };
}

describe('regex rule patterns (checked by the policy engine)', () => {
  let checker: PatternChecker;
  before(async () => {
    checker = await createPatternChecker(await readBundle(defaultBundlePath()));
  });

  for (const pattern of ['team-a/.*', '(?i)Team-[AB]/exp-[0-9]{1,4}', 'a|b', '[[:alpha:]]+', '\\pL+', 'x{1000}']) {
    it(`accepts ${JSON.stringify(pattern)}`, () => {
      expect(checker.problem(pattern)).to.equal(null);
    });
  }

  const refused: [string, RegExp][] = [
    ['', /empty/],
    ['a'.repeat(MAX_PATTERN_LENGTH + 1), /at most 1024/],
    ['team-(?=a)', /look-ahead/],
    ['(?<!x)y', /look-ahead and look-behind/],
    ['(a)\\1', /backreferences/],
    ['a++', /possessive/],
    ['(?>a)', /atomic/],
    ['\\C', /any byte/],
    ['a\nb', /control character/],
    ['(', /cannot compile/],
    ['a)|(b', /cannot compile/],
    ['[z-a]', /cannot compile/],
    ['a**', /cannot compile/],
    ['x{1001}', /cannot compile/],
    ['(x{1000}){1000}', /cannot compile/],
  ];
  for (const [pattern, why] of refused) {
    it(`refuses ${JSON.stringify(pattern.slice(0, 20))} with MLGATE_PATTERN_INVALID`, () => {
      try {
        checker.check(pattern);
        expect.fail('expected a refusal');
      } catch (error) {
        expect((error as MlgateError).code).to.equal('MLGATE_PATTERN_INVALID');
        expect((error as MlgateError).status).to.equal(400);
        expect((error as Error).message).to.match(why);
      }
    });
  }

  it('refuses a bundle without the check entrypoint', async () => {
    const bundle = await readBundle(defaultBundlePath());
    try {
      // A wasm module that is not a policy at all cannot be asked.
      await createPatternChecker({ ...bundle, wasm: Buffer.from('not wasm') });
      expect.fail('expected a failure');
    } catch (error) {
      expect(error).to.be.instanceOf(Error);
    }
  });
});

describe('regex rules in the policy data', () => {
  const { config } = loadConfig({ env: { MLGATE_SERVER_MODE: 'development' } });
  let store: Store;
  let checker: PatternChecker;
  const engine = createDecisionEngine();

  before(async () => {
    checker = await createPatternChecker(await readBundle(defaultBundlePath()));
    await engine.load(await readBundle(defaultBundlePath()), runtimeData(config));
  });
  beforeEach(() => {
    store = createMemoryStore();
  });

  const decide = (operation: string, ...targets: ResolvedTarget[]) =>
    engine.decide(
      buildPolicyInput({
        principal: alice,
        operation,
        targets,
        grants: new Map(),
        method: 'GET',
        path: '/',
        now: new Date(0),
      }),
    );

  let down = false;
  const live = (now: () => number = Date.now) => {
    let cleared = 0;
    const data = createLiveData({
      version: {
        read: () => (down ? Promise.reject(new Error('MongoDB is down')) : store.permissionVersion.read()),
        readParts: () => store.permissionVersion.readParts(),
        forgetParts: (keys, data) => store.permissionVersion.forgetParts(keys, data),
      },
      rules: store.regexRules,
      groups: store.groups,
      baseData: runtimeData(config),
      install: (d) => engine.setData(d),
      isValidPattern: (p) => checker.problem(p) === null,
      onChange: () => (cleared += 1),
      intervalMs: 60_000,
      maxStaleMs: 1_000,
      logger: silentLogger,
      now,
    });
    return { data, cleared: () => cleared };
  };

  it('decides from rules loaded into the data, and from new ones once the version changes', async () => {
    const { data, cleared } = live();
    await data.start();
    try {
      expect(decide('GetExperiment', target('1', 'team-a/exp')).allow).to.equal(false);
      await store.regexRules.add({
        resourceType: 'experiment',
        principalType: 'group',
        principal: 'team-a',
        pattern: 'team-a/.*',
        priority: 10,
        permission: 'EDIT',
        createdBy: 't',
      });
      await data.refresh();
      expect(cleared()).to.equal(2);
      expect(data.hasRules()).to.equal(true);
      const allowed = decide('UpdateExperiment', target('1', 'team-a/exp'));
      expect(allowed.allow).to.equal(true);
      expect(allowed.reasons).to.deep.equal(['grant:group-regex']);
      expect(allowed.checks[0]?.source).to.equal('group-regex');
      expect(decide('GetExperiment', target('2', 'team-b/exp')).allow).to.equal(false);
      expect(decide('GetExperiment', target('3', 'team-a')).allow, 'whole name').to.equal(false);
      expect(decide('GetExperiment', target('4')).allow, 'no name, no rule').to.equal(false);
      // A deny of a lower number overrides the broader allow.
      await store.regexRules.add({
        resourceType: 'experiment',
        principalType: 'group',
        principal: 'team-a',
        pattern: 'team-a/frozen-.*',
        priority: 1,
        permission: 'NO_PERMISSIONS',
        createdBy: 't',
      });
      await data.refresh();
      const denied = decide('GetExperiment', target('5', 'team-a/frozen-1'));
      expect(denied.reasons).to.deep.equal(['explicit-deny', 'no-permission']);
      expect(decide('GetExperiment', target('1', 'team-a/exp')).allow).to.equal(true);
      // Unchanged version: nothing reloaded.
      await data.refresh();
      expect(cleared()).to.equal(3);
      // How the last reload held the event loop: checking the new pattern, building, loading (at least 3 slices).
      const slices = data.status().reloadSlices;
      expect(slices?.slices).to.be.at.least(3);
      expect(slices?.longestMs).to.be.greaterThan(0);
      expect(slices?.longestWorkMs).to.be.at.most(slices?.longestMs ?? 0);
    } finally {
      data.stop();
      await engine.setData(runtimeData(config));
    }
  });

  it('drops cached grants and users on a grant or user change without rebuilding the policy data', async () => {
    let installs = 0;
    let cleared = 0;
    const data = createLiveData({
      version: store.permissionVersion,
      rules: store.regexRules,
      groups: store.groups,
      baseData: runtimeData(config),
      install: (d) => {
        installs += 1;
        return engine.setData(d);
      },
      isValidPattern: (p) => checker.problem(p) === null,
      onChange: () => (cleared += 1),
      intervalMs: 3_600_000,
      maxStaleMs: 3_600_000,
      logger: silentLogger,
    });
    await data.start();
    try {
      expect([installs, cleared]).to.deep.equal([1, 1]);
      await store.grants.put({
        resourceType: 'experiment',
        resourceId: '5',
        principalType: 'user',
        principal: 'cache-only',
        permission: 'READ',
        createdBy: 't',
      });
      await data.refresh();
      expect([installs, cleared], 'after a grant').to.deep.equal([1, 2]);
      await store.users.create({ username: 'cache-only', isAdmin: false, groups: [] });
      await store.users.update('cache-only', { isAdmin: true });
      await data.refresh();
      expect([installs, cleared], 'after a user change').to.deep.equal([1, 3]);
      await store.groups.create({ name: 'data-change', description: '', creatorPermission: 'READ', createdBy: 't' });
      await data.refresh();
      expect([installs, cleared], 'after a group change').to.deep.equal([2, 4]);
    } finally {
      data.stop();
    }
  });

  it('loads a pushed change at once, without waiting for the next poll; a server without pushes only polls', async () => {
    let push: (() => void) | undefined;
    let stopped = false;
    const unavailable: string[] = [];
    const data = createLiveData({
      version: {
        read: () => store.permissionVersion.read(),
        readParts: () => store.permissionVersion.readParts(),
        forgetParts: (keys, data) => store.permissionVersion.forgetParts(keys, data),
        watch: (onChange, onUnavailable) => {
          push = onChange;
          onUnavailable('no change streams here');
          return () => (stopped = true);
        },
      },
      rules: store.regexRules,
      groups: store.groups,
      baseData: runtimeData(config),
      install: (d) => engine.setData(d),
      isValidPattern: (p) => checker.problem(p) === null,
      intervalMs: 3_600_000,
      maxStaleMs: 3_600_000,
      logger: { ...silentLogger, info: (message: string) => void unavailable.push(message) },
    });
    await data.start();
    try {
      const before = data.status().version;
      await store.regexRules.add({
        resourceType: 'experiment',
        principalType: 'user',
        principal: 'pushed',
        pattern: 'x',
        priority: 1,
        permission: 'READ',
        createdBy: 't',
      });
      push?.();
      // The poll is an hour away: only the push can load the change.
      const started = Date.now();
      while (data.status().version === before && Date.now() - started < 1_000) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(data.status().version).to.not.equal(before);
      expect(unavailable.join()).to.contain('no change stream on this server, polling only');
    } finally {
      data.stop();
    }
    expect(stopped).to.equal(true);
  });

  it('keeps the last good data when the store fails, then fails closed past max_stale_ms', async () => {
    let clock = 1_000_000;
    const { data } = live(() => clock);
    await data.start();
    try {
      expect(data.status().ok).to.equal(true);
      data.assertFresh();
      down = true;
      clock += 900;
      await data.refresh();
      data.assertFresh(); // within the bound: still deciding
      expect(data.status()).to.deep.include({ ok: true, error: 'MongoDB is down' });
      clock += 200;
      expect(data.status().ok).to.equal(false);
      expect(data.status().staleMs).to.equal(1_100);
      try {
        data.assertFresh();
        expect.fail('expected a refusal');
      } catch (error) {
        expect((error as MlgateError).code).to.equal('MLGATE_PERMISSIONS_STALE');
        expect((error as MlgateError).status).to.equal(503);
      }
      // MongoDB back: fresh again at the next check.
      down = false;
      await data.refresh();
      data.assertFresh();
      expect(data.status().ok).to.equal(true);
    } finally {
      down = false;
      data.stop();
    }
  });

  it('marks a rule whose pattern the engine cannot compile as invalid: it denies', () => {
    const rules = rulesData(
      [
        {
          id: 'bad',
          resourceType: 'experiment',
          principalType: 'user',
          principal: '__proto__',
          pattern: '(',
          priority: 1,
          permission: 'MANAGE',
        },
      ],
      (p) => checker.problem(p) === null,
    );
    // A principal named __proto__ is a key like any other (no prototype is touched).
    expect(JSON.stringify(rules)).to.equal(
      JSON.stringify({ rules: { experiment: { user: {}, group: {} } } }).replace(
        '"user":{}',
        '"user":{"__proto__":[{"id":"bad","pattern":"(","priority":1,"permission":"MANAGE","valid":false}]}',
      ),
    );
  });

  it('checks each pattern once while it is loaded, not again at every reload (a reload must not stall requests)', async () => {
    const asked: string[] = [];
    const data = createLiveData({
      version: store.permissionVersion,
      rules: store.regexRules,
      groups: store.groups,
      baseData: runtimeData(config),
      install: (d) => engine.setData(d),
      isValidPattern: (p) => {
        asked.push(p);
        return checker.problem(p) === null;
      },
      intervalMs: 60_000,
      maxStaleMs: 60_000,
      logger: silentLogger,
    });
    const add = (principal: string, pattern: string) =>
      store.regexRules.add({
        resourceType: 'experiment',
        principalType: 'group',
        principal,
        pattern,
        priority: 1,
        permission: 'READ',
        createdBy: 't',
      });
    try {
      await add('team-a', 'team-a/.*');
      const broken = await add('team-b', '(');
      await data.start();
      expect(asked.sort()).to.deep.equal(['(', 'team-a/.*']);
      await add('team-b', 'team-a/.*'); // a pattern already checked, of another principal
      await add('team-c', 'team-c/.*');
      await data.refresh();
      expect(asked.sort()).to.deep.equal(['(', 'team-a/.*', 'team-c/.*']);
      // A pattern no longer loaded is forgotten, and checked again when it comes back.
      await store.regexRules.remove(broken.id);
      await data.refresh();
      await add('team-b', '(');
      await data.refresh();
      expect(asked.sort()).to.deep.equal(['(', '(', 'team-a/.*', 'team-c/.*']);
      // The answers still reach the policy: the broken pattern denies a member of team-b, as before.
      const member: Principal = { ...alice, groups: ['team-b'] };
      const input = buildPolicyInput({
        principal: member,
        operation: 'GetExperiment',
        targets: [target('1', 'team-a/x')],
        grants: new Map(),
        method: 'GET',
        path: '/',
        now: new Date(0),
      });
      expect(engine.decide(input).reasons).to.include('explicit-deny');
    } finally {
      data.stop();
      await engine.setData(runtimeData(config));
    }
  });
});

describe('regex rules edited by hand in MongoDB', () => {
  const { config } = loadConfig({ env: { MLGATE_SERVER_MODE: 'development' } });
  const engine = createDecisionEngine();
  let checker: PatternChecker;
  before(async () => {
    checker = await createPatternChecker(await readBundle(defaultBundlePath()));
    await engine.load(await readBundle(defaultBundlePath()), runtimeData(config));
  });

  const rule = storedRule;
  const allow = rule('rx-allow', {});
  // A deny rule as the CLI writes it, then with fields of the wrong type (a document edited by hand).
  const deny = { pattern: 'team-a/frozen', priority: 1, permission: 'NO_PERMISSIONS' };

  const decideWith = async (rules: RegexRuleRecord[], name: string) => {
    const { data } = await readPermissionData({
      rules: { list: () => Promise.resolve(rules) },
      groups: { list: () => Promise.resolve([]) },
      isValidPattern: (p) => checker.problem(p) === null,
    });
    await engine.setData({ ...runtimeData(config), ...data });
    try {
      return engine.decide(
        buildPolicyInput({
          principal: alice,
          operation: 'GetExperiment',
          targets: [target('1', name)],
          grants: new Map(),
          method: 'GET',
          path: '/',
          now: new Date(0),
        }),
      );
    } finally {
      await engine.setData(runtimeData(config));
    }
  };

  it('a deny rule as written denies (the baseline)', async () => {
    expect((await decideWith([allow, rule('rx-deny', deny)], 'team-a/frozen')).allow).to.equal(false);
    expect((await decideWith([allow, rule('rx-deny', deny)], 'team-a/exp')).allow).to.equal(true);
  });

  const broken: [string, Record<string, unknown>][] = [
    ['a priority stored as a string', { ...deny, priority: '1' }],
    ['a NaN priority', { ...deny, priority: NaN }],
    ['a null priority', { ...deny, priority: null }],
    ['a fractional priority', { ...deny, priority: 0.5 }],
    ['a negative priority', { ...deny, priority: -1 }],
    ['a null pattern', { ...deny, pattern: null }],
    ['a numeric pattern', { ...deny, pattern: 42 }],
    ['a missing permission', { ...deny, permission: undefined }],
  ];
  for (const [what, fields] of broken) {
    it(`a rule with ${what} denies instead of being ignored or stopping the reload`, async () => {
      const decision = await decideWith([allow, rule('rx-broken', fields)], 'team-a/frozen');
      expect(decision.allow).to.equal(false);
      expect(decision.checks[0]?.rule).to.equal('rx-broken');
    });
  }

  it('a rule that names no user or group is left out and reported, and the others still load', async () => {
    const stray = rule('rx-stray', { ...deny, principalType: 'both' });
    const { invalid } = await readPermissionData({
      rules: { list: () => Promise.resolve([allow, stray, rule('rx-null', { pattern: null })]) },
      groups: { list: () => Promise.resolve([]) },
      isValidPattern: (p) => checker.problem(p) === null,
    });
    expect(invalid.map((i) => [i.rule.id, i.problem])).to.deep.equal([
      ['rx-stray', 'it names no resource type, user or group (it is left out)'],
      ['rx-null', 'its pattern is not a string'],
    ]);
    expect((await decideWith([allow, stray], 'team-a/exp')).allow).to.equal(true);
  });
});

describe('experiment names for regex rules', () => {
  it('looks names up only while rules exist, once per id, and by id even when the request named the experiment', async () => {
    const calls: string[] = [];
    let needed = false;
    const names = createExperimentNames({
      client: {
        experimentNameById: (id) => {
          calls.push(id);
          return Promise.resolve(id === '404' ? null : `name-of-${id}`);
        },
      },
      ttlMs: 60_000,
      maxEntries: 10,
      needed: () => needed,
    });
    expect(await names.name([target('1')])).to.deep.equal([target('1')]);
    expect(calls).to.deep.equal([]);
    needed = true;
    const byName: ResolvedTarget = { type: 'experiment', id: '9', via: 'experiment_name', ref: 'team/x', exists: true };
    names.remember('7', 'seen-in-search');
    const named = await names.name([target('1'), target('1'), target('404'), target('7')]);
    expect(named.map((t) => t.name)).to.deep.equal(['name-of-1', 'name-of-1', undefined, 'seen-in-search']);
    expect(calls).to.deep.equal(['1', '404']);
    // Named by name, the experiment still gets the name MLflow holds for its id, not the request's spelling (a
    // case-insensitive database finds "team/X" for "team/x").
    expect((await names.name([byName])).map((t) => t.name)).to.deep.equal(['name-of-9']);
    expect(calls).to.deep.equal(['1', '404', '9']);
  });
});
