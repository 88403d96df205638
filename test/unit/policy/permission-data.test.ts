/** Building the permission data in chunks of principals (src/policy/permission-data.ts). */
import { expect } from 'chai';

import { groupsData, rulesData } from '../../../src/policy/data.js';
import { buildPermissionData, principalChunks } from '../../../src/policy/permission-data.js';
import { DEFAULT_RULE_LIMITS } from '../../../src/policy/rule-limits.js';
import type { RegexRuleRecord } from '../../../src/store/types.js';
import { createSliceTimer } from '../../../src/util/slice-timer.js';
import { canonical } from '../../helpers/canonical-json.js';
import { storedRule } from '../../helpers/regex-rule.js';

/** 1,200 rules of 300 principals, some over the limits, some invalid, some broken, in a scrambled order. */
function manyRules(): RegexRuleRecord[] {
  const rules: RegexRuleRecord[] = [];
  for (let i = 0; i < 1_200; i++) {
    const principal = (i * 7) % 300;
    rules.push(
      storedRule(`rx-${i}`, {
        principalType: principal % 3 === 0 ? 'user' : 'group',
        principal: `p-${principal}`,
        resourceType: i % 5 === 0 ? 'registered_model' : 'experiment',
        pattern: i % 97 === 0 ? 'broken(' : `team-${i}/.*`,
        priority: i % 11 === 0 ? 'high' : (i * 13) % 50,
        permission: i % 4 === 0 ? 'NO_PERMISSIONS' : 'READ',
      }),
    );
  }
  // One principal over the rule limit (50 by default).
  for (let i = 0; i < 60; i++) rules.push(storedRule(`rx-many-${i}`, { principal: 'crowded', pattern: `c-${i}` }));
  return rules;
}

describe('permission data built in chunks', () => {
  const isValidPattern = (pattern: string): boolean => pattern !== 'broken(';

  it('is the data a single pass of rulesData builds, with the same invalid rules and principals over the limits', async () => {
    const rules = manyRules();
    const groups = [
      { name: 'team-a', description: '', creatorPermission: null, createdAt: new Date(0), createdBy: 't' },
    ];
    const built = await buildPermissionData(rules, groups, { isValidPattern });
    const over: unknown[] = [];
    const single = {
      ...rulesData(rules, isValidPattern, DEFAULT_RULE_LIMITS, (o) => over.push(o)),
      ...groupsData(groups),
    };
    expect(canonical(built.data)).to.equal(canonical(single));
    expect(built.overLimit).to.deep.equal(over);
    expect(built.overLimit.map((o) => o.principal)).to.deep.equal(['group:crowded']);
    // Invalid: the broken patterns and the priorities that are not numbers, in the store's order.
    const invalidIds = built.invalid.map((i) => i.rule.id);
    const expected = rules.filter((r) => r.pattern === 'broken(' || typeof r.priority !== 'number').map((r) => r.id);
    expect(invalidIds).to.deep.equal(expected);
  });

  it('keeps each principal of a type in one chunk, chunks of about the size asked', () => {
    const rules = manyRules();
    const chunks = principalChunks(rules, 250);
    expect(chunks.flat()).to.have.length(rules.length);
    const home = new Map<string, number>();
    chunks.forEach((chunk, i) => {
      for (const rule of chunk) {
        const key = `${rule.resourceType}/${rule.principalType}/${rule.principal}`;
        expect(home.get(key) ?? i, key).to.equal(i);
        home.set(key, i);
      }
    });
    expect(chunks.length).to.equal(6);
    for (const chunk of chunks) expect(chunk.length).to.be.at.most(250);
    expect(principalChunks([], 250)).to.deep.equal([]);
  });

  it('yields after each principal and each chunk when asked to slice, and times each slice', async () => {
    const timer = createSliceTimer();
    timer.start();
    await buildPermissionData(manyRules(), [], { isValidPattern, slicing: { timer, sliceMs: 0 } });
    timer.end();
    const principals = new Set(
      manyRules().map((rule) => `${rule.resourceType}/${rule.principalType}/${rule.principal}`),
    );
    // A slice of 0 ms: one slice a principal, one a chunk of 250 rules (built together), and the last.
    expect(timer.times().slices).to.equal(principals.size + principalChunks(manyRules(), 250).length + 1);
  });
});
