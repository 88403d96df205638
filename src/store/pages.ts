/**
 * How the store pages its listings (pure, shared by the MongoDB and the in-memory store): keyset pagination. A page
 * is the first `limit` items, in a stable order, whose sort key comes after the last key of the page before; the
 * store reads one item more than the page to know whether another page follows. An item added or removed between two
 * pages moves no other item across the boundary, so none is listed twice or skipped.
 *
 * Every key compared here is ASCII (a grant's key is escaped, user and group names are ASCII), so JavaScript's
 * string order is MongoDB's byte order.
 */
import type { GrantId, Page, RegexRuleRecord, RuleOrderKey } from './types.js';

/** Order of two strings (ASCII: as MongoDB orders them). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The key of a grant: one per (resource, principal); parts are escaped so no separator can be forged. */
export function grantKey(resourceType: string, resourceId: string, principalType: string, principal: string): string {
  return [resourceType, resourceId, principalType, principal].map(encodeURIComponent).join('/');
}

/** Grants are listed in the order of their keys: by resource type and id, then principal type and name (escaped). */
export function grantKeyOf(grant: GrantId): string {
  return grantKey(grant.resourceType, grant.resourceId, grant.principalType, grant.principal);
}

export function grantIdOf(grant: GrantId): GrantId {
  return {
    resourceType: grant.resourceType,
    resourceId: grant.resourceId,
    principalType: grant.principalType,
    principal: grant.principal,
  };
}

/** The fields regex rules are listed by, most significant first (the policy reads them in this order too). */
export const RULE_ORDER_FIELDS = ['resourceType', 'principalType', 'principal', 'priority', 'id'] as const;

export function ruleKeyOf(rule: RuleOrderKey): RuleOrderKey {
  return {
    resourceType: rule.resourceType,
    principalType: rule.principalType,
    principal: rule.principal,
    priority: rule.priority,
    id: rule.id,
  };
}

/** The order of regex rules: by resource type, principal type, principal, priority, id. */
export function compareRules(a: RuleOrderKey, b: RuleOrderKey): number {
  for (const field of RULE_ORDER_FIELDS) {
    const x = a[field];
    const y = b[field];
    if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

/** Sorts regex rules in place, in listing order. */
export function sortRules<T extends RegexRuleRecord>(rules: T[]): T[] {
  return rules.sort(compareRules);
}

/**
 * The page out of what the store read for it: at most `limit + 1` items in order, the last of which only says that
 * another page follows.
 */
export function pageOf<T, K>(read: readonly T[], limit: number, keyOf: (item: T) => K): Page<T, K> {
  checkLimit(limit);
  if (read.length <= limit) {
    return { items: [...read], next: null };
  }
  const items = read.slice(0, limit);
  return { items, next: keyOf(items[items.length - 1] as T) };
}

/** A page holds at least one item: a limit below 1 is a bug of the caller (the API refuses it with a 400). */
export function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new Error(`a page limit must be a positive integer, not ${String(limit)}`);
  }
}
