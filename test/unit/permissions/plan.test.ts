import { expect } from 'chai';

import { type Current, applyAuthor, describeChange, planChanges } from '../../../src/permissions/plan.js';
import type { GrantRecord, GroupRecord, RegexRuleRecord } from '../../../src/store/types.js';

const me = applyAuthor('default');
const at = new Date(0);

const group = (name: string, createdBy: string, creatorPermission: GroupRecord['creatorPermission'] = null) =>
  ({ name, description: '', creatorPermission, createdAt: at, createdBy }) satisfies GroupRecord;
const grant = (resourceId: string, principal: string, permission: GrantRecord['permission'], createdBy: string) =>
  ({
    resourceType: 'experiment',
    resourceId,
    principalType: 'group',
    principal,
    permission,
    createdAt: at,
    createdBy,
  }) satisfies GrantRecord;
const rule = (id: string, pattern: string, priority: number, createdBy: string) =>
  ({
    id,
    resourceType: 'experiment',
    principalType: 'group',
    principal: 'team',
    pattern,
    priority,
    permission: 'EDIT',
    createdAt: at,
    createdBy,
  }) satisfies RegexRuleRecord;

describe('apply plan', () => {
  const current: Current = {
    groups: [group('kept', me), group('gone', me), group('cli-group', 'cli')],
    grants: [
      grant('1', 'kept', 'READ', me),
      grant('2', 'kept', 'READ', me),
      grant('3', 'kept', 'READ', 'mlgate:creator-group'),
      grant('4', 'other', 'EDIT', 'cli'),
      grant('5', 'kept', 'READ', applyAuthor('team-b')),
    ],
    rules: [rule('rx-1', 'a/.*', 1, me), rule('rx-2', 'b/.*', 1, me), rule('rx-3', 'c/.*', 1, 'cli')],
  };

  it('creates, updates and takes over what the file declares, and deletes only what this owner made', () => {
    const changes = planChanges(
      {
        groups: [
          { name: 'kept', description: '', creatorPermission: null },
          { name: 'new', description: 'N', creatorPermission: 'EDIT' },
        ],
        grants: [
          {
            resourceType: 'experiment',
            resourceId: '1',
            principalType: 'group',
            principal: 'kept',
            permission: 'READ',
          },
          {
            resourceType: 'experiment',
            resourceId: '4',
            principalType: 'group',
            principal: 'other',
            permission: 'EDIT',
          },
          { resourceType: 'experiment', resourceId: '9', principalType: 'group', principal: 'new', permission: 'USE' },
        ],
        rules: [
          {
            resourceType: 'experiment',
            principalType: 'group',
            principal: 'team',
            pattern: 'a/.*',
            priority: 5,
            permission: 'EDIT',
          },
          {
            resourceType: 'experiment',
            principalType: 'group',
            principal: 'team',
            pattern: 'd/.*',
            priority: 1,
            permission: 'READ',
          },
        ],
      },
      current,
      me,
    );
    expect(changes.map((c) => describeChange(c, me))).to.deep.equal([
      '+ group new  creator permission EDIT',
      '~ grant experiment 4  group other  EDIT  (taken over from cli)',
      '+ grant experiment 9  group new  USE',
      '~ rule group team  "a/.*"  priority 1 EDIT -> priority 5 EDIT',
      '+ rule group team  "d/.*"  priority 1 READ',
      '- rule group team  "b/.*"  priority 1 EDIT',
      '- grant experiment 2  group kept  READ',
      '- group gone',
    ]);
  });

  it('plans nothing when the store matches, and everything of its own away for an empty file', () => {
    const same = planChanges(
      {
        groups: [
          { name: 'kept', description: '', creatorPermission: null },
          { name: 'gone', description: '', creatorPermission: null },
        ],
        grants: [
          {
            resourceType: 'experiment',
            resourceId: '1',
            principalType: 'group',
            principal: 'kept',
            permission: 'READ',
          },
          {
            resourceType: 'experiment',
            resourceId: '2',
            principalType: 'group',
            principal: 'kept',
            permission: 'READ',
          },
        ],
        rules: [
          {
            resourceType: 'experiment',
            principalType: 'group',
            principal: 'team',
            pattern: 'a/.*',
            priority: 1,
            permission: 'EDIT',
          },
          {
            resourceType: 'experiment',
            principalType: 'group',
            principal: 'team',
            pattern: 'b/.*',
            priority: 1,
            permission: 'EDIT',
          },
        ],
      },
      current,
      me,
    );
    expect(same).to.deep.equal([]);
    const empty = planChanges({ groups: [], grants: [], rules: [] }, current, me);
    expect(empty.map((c) => c.action)).to.deep.equal(['delete', 'delete', 'delete', 'delete', 'delete', 'delete']);
    // Another owner's, the CLI's and the creator's objects are never deleted.
    expect(empty.map((c) => describeChange(c, me)).join('\n')).to.not.match(/experiment [345]|cli-group|c\/\.\*/);
  });

  it('describes a group update by what changed', () => {
    const [change] = planChanges(
      { groups: [{ name: 'kept', description: 'Team', creatorPermission: 'READ' }], grants: [], rules: [] },
      { groups: [group('kept', me)], grants: [], rules: [] },
      me,
    );
    expect(describeChange(change!, me)).to.equal(
      '~ group kept  creator permission none -> READ  description "" -> "Team"',
    );
  });

  it('keeps grants and rules of different permission types apart, even with the same id or pattern', () => {
    const changes = planChanges(
      {
        groups: [],
        grants: [
          {
            resourceType: 'registered_model',
            resourceId: '1',
            principalType: 'group',
            principal: 'kept',
            permission: 'READ',
          },
          { resourceType: 'prompt', resourceId: '1', principalType: 'group', principal: 'kept', permission: 'EDIT' },
        ],
        rules: [
          {
            resourceType: 'prompt',
            principalType: 'group',
            principal: 'team',
            pattern: 'a/.*',
            priority: 1,
            permission: 'EDIT',
          },
        ],
      },
      { groups: [], grants: [grant('1', 'kept', 'READ', me)], rules: [rule('rx-1', 'a/.*', 1, me)] },
      me,
    );
    expect(changes.map((c) => describeChange(c, me))).to.deep.equal([
      '+ grant registered_model "1"  group kept  READ',
      '+ grant prompt "1"  group kept  EDIT',
      '+ rule group team  "a/.*"  on prompt names  priority 1 EDIT',
      '- rule group team  "a/.*"  priority 1 EDIT',
      '- grant experiment 1  group kept  READ',
    ]);
  });
});
