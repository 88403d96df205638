/**
 * The policy's answer, parsed and checked (pure). Anything that is not a
 * well-formed decision is an error: the caller denies.
 */

import { parseReasons } from './reasons.js';

/**
 * What an allowed decision obliges the gateway to do:
 *  - grant-creator: grant the creator `permission` on what the request created;
 *  - grant-group: grant `group` (one of the creator's) `permission` on it too;
 *  - drop-unreadable-targets: send the request on without the targets the caller may not read (a search over
 *    several experiments, as MLflow's own auth does).
 */
export type Obligation =
  | { readonly type: 'grant-creator'; readonly permission: string }
  | { readonly type: 'grant-group'; readonly group: string; readonly permission: string }
  | { readonly type: 'drop-unreadable-targets' };

export interface TargetCheck {
  readonly type: string;
  readonly id: string;
  readonly required: string;
  readonly permission: string;
  readonly source: string;
  /** The id of the regex rule that decided (sources regex and group-regex). */
  readonly rule?: string;
  /** The group whose grant decided (source group: the highest grant, the first group by name on a tie). */
  readonly group?: string;
  readonly satisfied: boolean;
}

export interface Decision {
  readonly allow: boolean;
  readonly reasons: readonly string[];
  readonly obligations: readonly Obligation[];
  readonly checks: readonly TargetCheck[];
}

/** Parses the result set of the decision entrypoint; throws a description of what is wrong. */
export function parseDecision(resultSet: unknown): Decision {
  const value = singleResult(resultSet);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('the decision is not an object');
  }
  const record = value as Record<string, unknown>;
  if (typeof record['allow'] !== 'boolean') {
    throw new Error('the decision has no boolean "allow"');
  }
  const reasons = parseReasons(record['allow'], stringArray(record['reasons'], 'reasons'));
  if (reasons.length === 0) {
    throw new Error(`a decision must carry at least one reason (allow: ${String(record['allow'])})`);
  }
  const obligations = objectArray(record['obligations'] ?? [], 'obligations').map((o): Obligation => {
    if (o['type'] === 'grant-creator' && typeof o['permission'] === 'string') {
      return { type: 'grant-creator', permission: o['permission'] };
    }
    if (o['type'] === 'grant-group' && typeof o['group'] === 'string' && typeof o['permission'] === 'string') {
      return { type: 'grant-group', group: o['group'], permission: o['permission'] };
    }
    if (o['type'] === 'drop-unreadable-targets') {
      return { type: 'drop-unreadable-targets' };
    }
    throw new Error(`unknown obligation ${JSON.stringify(o)}`);
  });
  const checks = objectArray(record['checks'] ?? [], 'checks').map((c): TargetCheck => {
    const text = (key: string): string => {
      const value = c[key];
      return typeof value === 'string' ? value : '';
    };
    return {
      type: text('type'),
      id: text('id'),
      required: text('required'),
      permission: text('permission'),
      source: text('source'),
      ...(typeof c['rule'] === 'string' ? { rule: c['rule'] } : {}),
      ...(typeof c['group'] === 'string' ? { group: c['group'] } : {}),
      satisfied: c['satisfied'] === true,
    };
  });
  return { allow: record['allow'], reasons, obligations, checks };
}

/** Parses the result set of the visible entrypoint into a set of ids. */
export function parseVisible(resultSet: unknown): Set<string> {
  const value = singleResult(resultSet);
  return new Set(stringArray(value, 'visible'));
}

function singleResult(resultSet: unknown): unknown {
  if (!Array.isArray(resultSet)) {
    throw new Error('the policy returned no result set');
  }
  if (resultSet.length !== 1) {
    throw new Error(`the policy returned ${resultSet.length} results (the entrypoint is undefined or not unique)`);
  }
  const first = resultSet[0] as Record<string, unknown> | null;
  if (first === null || typeof first !== 'object' || !('result' in first)) {
    throw new Error('the policy result has no "result"');
  }
  return first['result'];
}

function stringArray(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new Error(`"${name}" is not a list of strings`);
  }
  return value as string[];
}

function objectArray(value: unknown, name: string): Record<string, unknown>[] {
  if (!Array.isArray(value) || value.some((item) => item === null || typeof item !== 'object' || Array.isArray(item))) {
    throw new Error(`"${name}" is not a list of objects`);
  }
  return value as Record<string, unknown>[];
}
