import { expect } from 'chai';

import { createGroup, creatorPermissionOf, deleteGroup, setGroup } from '../../../src/cli/group-commands.js';
import type { MlgateError } from '../../../src/errors.js';
import { createMemoryStore } from '../../../src/store/memory/store.js';

async function code(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    return (error as MlgateError).code;
  }
  return 'no error';
}

describe('group commands', () => {
  it('reads --creator-permission as a granting level or none, and refuses anything else', () => {
    expect(creatorPermissionOf(undefined)).to.equal(undefined);
    expect(creatorPermissionOf('none')).to.equal(null);
    expect(creatorPermissionOf('edit')).to.equal('EDIT');
    expect(() => creatorPermissionOf('NO_PERMISSIONS')).to.throw(/READ, USE, EDIT, MANAGE or none/);
    expect(() => creatorPermissionOf('OWNER')).to.throw(/READ, USE, EDIT, MANAGE or none/);
  });

  it('refuses a missing or invalid name, an empty change and an unknown group', async () => {
    const store = createMemoryStore();
    const none = { description: undefined, creatorPermission: undefined };
    expect(await code(() => createGroup(store, { name: undefined, ...none }))).to.equal('MLGATE_USAGE');
    expect(await code(() => createGroup(store, { name: '-bad', ...none }))).to.equal('MLGATE_USAGE');
    await createGroup(store, { name: 'team', ...none });
    expect(await code(() => setGroup(store, { name: 'team', ...none }))).to.equal('MLGATE_USAGE');
    expect(
      await code(() => setGroup(store, { name: 'ghost', description: 'x', creatorPermission: undefined })),
    ).to.equal('MLGATE_NO_SUCH_OBJECT');
    expect(await code(() => deleteGroup(store, { name: 'ghost' }))).to.equal('MLGATE_NO_SUCH_OBJECT');
  });

  it('deletes a group that was never defined but still holds grants', async () => {
    const store = createMemoryStore();
    await store.grants.put({
      resourceType: 'experiment',
      resourceId: '1',
      principalType: 'group',
      principal: 'idp-group',
      permission: 'READ',
      createdBy: 't',
    });
    const out = await deleteGroup(store, { name: 'idp-group' });
    expect(out.data).to.deep.include({ defined: false, grants_removed: 1 });
  });
});
