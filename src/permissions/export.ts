/**
 * The store's groups, grants and regex rules as a permissions file (pure): `mlgate export` prints it, so existing
 * permissions can be moved into git and from then on shipped with `mlgate apply`. With an author, only what that
 * apply owner manages.
 */
import { stringify } from 'yaml';

import type { Current } from './plan.js';

export function exportPermissions(current: Current, author?: string): string {
  const mine = <T extends { createdBy: string }>(items: readonly T[]): T[] =>
    items.filter((item) => author === undefined || item.createdBy === author);
  const principal = (p: { principalType: string; principal: string }) =>
    p.principalType === 'user' ? { user: p.principal } : { group: p.principal };
  const document = {
    groups: mine(current.groups).map((g) => ({
      name: g.name,
      ...(g.description === '' ? {} : { description: g.description }),
      ...(g.creatorPermission === null ? {} : { creator_permission: g.creatorPermission }),
    })),
    grants: mine(current.grants).map((g) => ({
      [g.resourceType]: g.resourceId,
      ...principal(g),
      permission: g.permission,
    })),
    rules: mine(current.rules).map((r) => ({
      ...principal(r),
      ...(r.resourceType === 'experiment' ? {} : { type: r.resourceType }),
      pattern: r.pattern,
      priority: r.priority,
      permission: r.permission,
    })),
  };
  return stringify(document, { defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN' });
}
