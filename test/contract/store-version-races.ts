/**
 * Concurrent writes of the permission version (issue 8, live data reading only the parts that changed): no write's
 * part may be lost, and no write of grants or users may hide a write of the policy's data. FerretDB applies an update
 * by reading the document and writing it back whole, so two updates of one document at the same time keep only one
 * of them: versions kept in one document lose parts under concurrent writers (found by h/attack-delta: a rule
 * removed while other rules were added stayed in force on every replica until its next full read).
 */
import { expect } from 'chai';

import { changedParts, partKey } from '../../src/store/data-parts.js';
import type { DataPart } from '../../src/store/data-parts.js';
import type { Store } from '../../src/store/types.js';

export function storeVersionRacesContract(store: () => Store): void {
  describe('permission version under concurrent writers', () => {
    const part = (i: number): DataPart => ({ kind: 'rules', principalType: 'user', principal: `race-${i}` });

    it('records the part of every one of many concurrent data writes', async () => {
      const v = store().permissionVersion;
      const before = await v.readParts();
      await Promise.all(Array.from({ length: 40 }, (_, i) => v.bump('data', [part(i)])));
      const after = await v.readParts();
      const changed = new Set(changedParts(before.parts, after.parts));
      const lost = Array.from({ length: 40 }, (_, i) => partKey(part(i))).filter((key) => !changed.has(key));
      expect(lost, 'parts whose write was lost').to.deep.equal([]);
    });

    it('changes the data version whenever data writes run alongside cache writes', async () => {
      const v = store().permissionVersion;
      for (let round = 0; round < 10; round++) {
        const before = await v.read();
        await Promise.all([v.bump('data', [part(100 + round)]), ...Array.from({ length: 6 }, () => v.bump('cache'))]);
        const after = await v.read();
        expect(after.data, `round ${round}: the data write was hidden`).to.not.equal(before.data);
        expect(after.any).to.not.equal(before.any);
      }
    });

    it('keeps a bare data write (read everything) among concurrent writes naming parts', async () => {
      const v = store().permissionVersion;
      for (let round = 0; round < 10; round++) {
        const before = await v.readParts();
        await Promise.all([
          v.bump('data'),
          ...Array.from({ length: 6 }, (_, i) => v.bump('data', [part(200 + round * 10 + i)])),
        ]);
        const after = await v.readParts();
        expect(after.full, `round ${round}: the bare write was lost`).to.not.equal(before.full);
      }
    });
  });
}
