import { expect } from 'chai';

import { parseDecision, parseVisible } from '../../../src/policy/decision.js';

describe('decision parsing', () => {
  it('reads a well-formed allow', () => {
    const decision = parseDecision([
      {
        result: {
          allow: true,
          reasons: ['grant:user'],
          obligations: [{ type: 'grant-creator', permission: 'MANAGE' }],
        },
      },
    ]);
    expect(decision).to.deep.equal({
      allow: true,
      reasons: ['grant:user'],
      obligations: [{ type: 'grant-creator', permission: 'MANAGE' }],
      checks: [],
    });
  });

  it('reads target checks', () => {
    const decision = parseDecision([
      {
        result: {
          allow: false,
          reasons: ['no-permission'],
          checks: [
            { type: 'experiment', id: '1', required: 'EDIT', permission: 'READ', source: 'user', satisfied: false },
          ],
        },
      },
    ]);
    expect(decision.checks[0]).to.deep.equal({
      type: 'experiment',
      id: '1',
      required: 'EDIT',
      permission: 'READ',
      source: 'user',
      satisfied: false,
    });
  });

  it('reads what decided a check: the regex rule or the group', () => {
    const decision = parseDecision([
      {
        result: {
          allow: true,
          reasons: ['grant:group', 'grant:group-regex'],
          checks: [
            {
              type: 'experiment',
              id: '1',
              required: 'READ',
              permission: 'EDIT',
              source: 'group',
              group: 'team-b',
              satisfied: true,
            },
            {
              type: 'experiment',
              id: '2',
              required: 'READ',
              permission: 'READ',
              source: 'group-regex',
              rule: 'rx-1',
              satisfied: true,
            },
            {
              type: 'experiment',
              id: '3',
              required: 'READ',
              permission: 'READ',
              source: 'user',
              group: 7,
              satisfied: true,
            },
          ],
        },
      },
    ]);
    expect(decision.checks.map((check) => [check.group, check.rule])).to.deep.equal([
      ['team-b', undefined],
      [undefined, 'rx-1'],
      [undefined, undefined],
    ]);
    expect(decision.checks[2]).to.not.have.property('group');
  });

  const malformed: [string, unknown][] = [
    ['no result set', null],
    ['an empty result set (undefined decision)', []],
    ['two results', [{ result: { allow: true, reasons: [] } }, { result: { allow: true, reasons: [] } }]],
    ['a result without "result"', [{ value: 1 }]],
    ['a non-object decision', [{ result: true }]],
    ['a missing allow', [{ result: { reasons: ['x'] } }]],
    ['a string allow', [{ result: { allow: 'true', reasons: ['x'] } }]],
    ['a denial without reasons', [{ result: { allow: false, reasons: [] } }]],
    ['an allow without reasons', [{ result: { allow: true, reasons: [] } }]],
    ['non-string reasons', [{ result: { allow: false, reasons: [403] } }]],
    [
      'an unknown obligation',
      [{ result: { allow: true, reasons: ['x'], obligations: [{ type: 'delete-everything' }] } }],
    ],
    ['checks that are not objects', [{ result: { allow: true, reasons: ['x'], checks: ['x'] } }]],
  ];
  for (const [name, resultSet] of malformed) {
    it(`refuses ${name}`, () => {
      expect(() => parseDecision(resultSet)).to.throw(Error);
    });
  }

  it('reads visible ids and refuses anything else', () => {
    expect([...parseVisible([{ result: ['1', '2'] }])]).to.deep.equal(['1', '2']);
    expect(() => parseVisible([{ result: [1] }])).to.throw(Error);
    expect(() => parseVisible([])).to.throw(Error);
  });
});
