/**
 * Carries out a plan of `mlgate apply` against the store, in the plan's order. MongoDB (FerretDB) gives no
 * transaction over several collections: a failure part way stops at that change, and applying the same file again
 * finishes the work (the plan is computed from what the store then holds).
 */
import type { Store } from '../store/types.js';
import type { Change } from './plan.js';

export async function applyChanges(store: Store, changes: readonly Change[], author: string): Promise<void> {
  for (const change of changes) {
    await applyOne(store, change, author);
  }
}

async function applyOne(store: Store, change: Change, author: string): Promise<void> {
  switch (change.kind) {
    case 'group':
      if (change.action === 'create') {
        await store.groups.create({ ...change.group, createdBy: author });
      } else if (change.action === 'update') {
        await store.groups.update(change.group.name, {
          description: change.group.description,
          creatorPermission: change.group.creatorPermission,
          createdBy: author,
        });
      } else {
        await store.groups.delete(change.before.name);
      }
      return;
    case 'grant':
      if (change.action === 'delete') {
        const b = change.before;
        await store.grants.remove(b.resourceType, b.resourceId, b.principalType, b.principal);
      } else {
        const g = change.grant;
        await store.grants.put({
          resourceType: g.resourceType,
          resourceId: g.resourceId,
          principalType: g.principalType,
          principal: g.principal,
          permission: g.permission,
          createdBy: author,
        });
      }
      return;
    case 'rule':
      if (change.action === 'create') {
        await store.regexRules.add({ ...change.rule, createdBy: author });
      } else if (change.action === 'update') {
        await store.regexRules.update(change.before.id, {
          priority: change.rule.priority,
          permission: change.rule.permission,
          createdBy: author,
        });
      } else {
        await store.regexRules.remove(change.before.id);
      }
      return;
  }
}
