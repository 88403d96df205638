/** What both stores share about regex rules and the permission version (pure). */
import { randomUUID } from 'node:crypto';

import { MlgateError } from '../errors.js';
import type { RegexRuleRecord } from './types.js';

/** A version value never used before: the time (sortable, for humans) and a random part. */
export function newVersion(): string {
  return `${Date.now().toString(36)}-${randomUUID()}`;
}

/** A short rule id, easy to type on a command line. */
export function newRuleId(): string {
  return 'rx-' + randomUUID().replaceAll('-', '').slice(0, 12);
}

export function duplicateRule(rule: Pick<RegexRuleRecord, 'principalType' | 'principal' | 'pattern'>): MlgateError {
  return new MlgateError(
    'MLGATE_CONFLICT',
    `${rule.principalType} ${rule.principal} already has a regex rule with the pattern ${JSON.stringify(rule.pattern)}; ` +
      'remove it first (mlgate rule list, mlgate rule remove <id>).',
  );
}
