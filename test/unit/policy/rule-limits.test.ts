/** Limits on one principal's regex rules: refused when written, denied when loaded over them. */
import { expect } from 'chai';

import type { Principal } from '../../../src/auth/principal.js';
import { addRule } from '../../../src/cli/rule-commands.js';
import { loadConfig } from '../../../src/config/load.js';
import type { MlgateError } from '../../../src/errors.js';
import { defaultBundlePath } from '../../../src/paths.js';
import { rulesAfter, rulesOverLimit } from '../../../src/permissions/plan.js';
import { readBundle } from '../../../src/policy/bundle.js';
import { runtimeData } from '../../../src/policy/data.js';
import { createDecisionEngine } from '../../../src/policy/engine.js';
import { buildPolicyInput } from '../../../src/policy/input.js';
import { readPermissionData } from '../../../src/policy/permission-data.js';
import { type PatternChecker, createPatternChecker } from '../../../src/policy/patterns.js';
import { DEFAULT_RULE_LIMITS, ruleLimitProblem, ruleLimits } from '../../../src/policy/rule-limits.js';
import { createMemoryStore } from '../../../src/store/memory/store.js';
import type { RegexRuleRecord } from '../../../src/store/types.js';

const member: Principal = {
  authenticated: true,
  username: 'alice',
  isAdmin: false,
  groups: ['team-a'],
  method: 'basic',
};

const rule = (id: string, pattern: string, permission = 'EDIT'): RegexRuleRecord =>
  ({
    id,
    resourceType: 'experiment',
    principalType: 'group',
    principal: 'team-a',
    pattern,
    priority: 10,
    permission,
    createdAt: new Date(0),
    createdBy: 't',
  }) as RegexRuleRecord;

describe('regex rule limits', () => {
  const { config } = loadConfig({ env: { MLGATE_SERVER_MODE: 'development' } });
  const limits = { maxRules: 2, maxChars: 30 };
  let checker: PatternChecker;
  const engine = createDecisionEngine();

  before(async () => {
    checker = await createPatternChecker(await readBundle(defaultBundlePath()));
    await engine.load(await readBundle(defaultBundlePath()), runtimeData(config));
  });

  it('has the configuration defaults', () => {
    expect(ruleLimits(config)).to.deep.equal(DEFAULT_RULE_LIMITS);
  });

  it('counts rules and pattern characters', () => {
    expect(ruleLimitProblem(['a', 'b'], limits)).to.equal(null);
    expect(ruleLimitProblem(['a', 'b', 'c'], limits)).to.match(/^3 rules, more than .*max_rules_per_principal \(2\)/);
    expect(ruleLimitProblem(['x'.repeat(31)], limits)).to.match(/^31 pattern characters/);
  });

  it('denies every resource of the type to a principal whose loaded rules are over the limits', async () => {
    const decide = async (rules: RegexRuleRecord[]) => {
      const { data, overLimit } = await readPermissionData({
        rules: { list: () => Promise.resolve(rules) },
        groups: { list: () => Promise.resolve([]) },
        isValidPattern: (p) => checker.problem(p) === null,
        limits,
      });
      await engine.setData({ ...runtimeData(config), ...data });
      const decision = engine.decide(
        buildPolicyInput({
          principal: member,
          operation: 'GetExperiment',
          targets: [{ type: 'experiment', id: '1', via: 'experiment', ref: '1', exists: true, name: 'team-a/exp' }],
          grants: new Map(),
          method: 'GET',
          path: '/',
          now: new Date(0),
        }),
      );
      return { allow: decision.allow, overLimit };
    };
    expect(await decide([rule('rx-1', 'team-a/.*'), rule('rx-2', 'other')])).to.deep.include({ allow: true });
    const over = await decide([rule('rx-1', 'team-a/.*'), rule('rx-2', 'other'), rule('rx-3', 'third')]);
    expect(over.allow).to.equal(false);
    expect(over.overLimit).to.deep.equal([
      {
        type: 'experiment',
        principal: 'group:team-a',
        problem: '3 rules, more than permissions.max_rules_per_principal (2)',
      },
    ]);
    expect((await decide([rule('rx-1', `team-a/.*|${'y'.repeat(30)}`)])).allow).to.equal(false);
  });

  it('refuses mlgate rule add past the limits (MLGATE_RULE_LIMIT), counting only that principal and type', async () => {
    const store = createMemoryStore();
    const add = (group: string, pattern: string, type?: string) =>
      addRule(store, checker, limits, { user: undefined, group, pattern, priority: '1', permission: 'READ', type });
    await add('team-a', 'a/.*');
    await add('team-a', 'b/.*');
    await add('team-b', 'a/.*');
    await add('team-a', 'a/.*', 'registered_model');
    try {
      await add('team-a', 'c/.*');
      expect.fail('expected MLGATE_RULE_LIMIT');
    } catch (error) {
      expect((error as MlgateError).code).to.equal('MLGATE_RULE_LIMIT');
      expect((error as Error).message).to.contain('group team-a would have 3 rules');
    }
  });

  it('checks what the store would hold after an apply', () => {
    const current = [rule('rx-1', 'a'), rule('rx-2', 'b')];
    const added = { ...rule('x', 'c'), resourceType: 'experiment' as const };
    expect(
      rulesOverLimit(rulesAfter(current, [{ kind: 'rule', action: 'create', rule: added }]), limits),
    ).to.deep.equal([
      'group team-a on experiment names with 3 rules, more than permissions.max_rules_per_principal (2)',
    ]);
    expect(
      rulesOverLimit(
        rulesAfter(current, [
          { kind: 'rule', action: 'create', rule: added },
          { kind: 'rule', action: 'delete', before: current[0]! },
        ]),
        limits,
      ),
    ).to.deep.equal([]);
  });
});
