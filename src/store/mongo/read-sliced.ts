/**
 * Reads every document of a cursor without holding the event loop for long: the driver decodes a document when it
 * is taken from its batch (CursorResponse.shift), and toArray() takes a whole batch in one event-loop task. A reload of
 * the permission data reads all the rules and groups on every replica while it serves requests; read with toArray,
 * 1,000 rules held the loop for 2.7-17 ms in one task with batches of 200. Here documents are taken one at a time,
 * and the read yields to waiting requests whenever a slice has run for `sliceMs`, so a batch can be large (fewer
 * round trips) and still decoded in short slices.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

import type { AbstractCursor } from 'mongodb';

/** How long a slice of decoding may hold the event loop before the read yields (ms). */
export const READ_SLICE_MS = 1;

export async function readSliced<T, R>(
  cursor: AbstractCursor<T>,
  map: (document: T) => R,
  sliceMs: number = READ_SLICE_MS,
): Promise<R[]> {
  const read: R[] = [];
  try {
    let sliceStart = performance.now();
    for (let document = await cursor.next(); document !== null; document = await cursor.next()) {
      read.push(map(document));
      if (performance.now() - sliceStart >= sliceMs) {
        await nextTurn();
        sliceStart = performance.now();
      }
    }
  } finally {
    await cursor.close();
  }
  return read;
}
