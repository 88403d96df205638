/** A stored regex rule for tests: a group rule of team-a, EDIT on team-a/.*, with any field replaced. */
import type { RegexRuleRecord } from '../../src/store/types.js';

/** `fields` may hold values of the wrong type, as a document edited in MongoDB by hand can. */
export const storedRule = (id: string, fields: Record<string, unknown> = {}): RegexRuleRecord =>
  ({
    id,
    resourceType: 'experiment',
    principalType: 'group',
    principal: 'team-a',
    pattern: 'team-a/.*',
    priority: 10,
    permission: 'EDIT',
    createdAt: new Date(0),
    createdBy: 'test',
    ...fields,
  }) as unknown as RegexRuleRecord;
