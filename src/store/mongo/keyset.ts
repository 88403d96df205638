/**
 * The range filter of keyset pagination in MongoDB: the documents whose sort key comes after a given key, for a sort
 * on several fields, all ascending. With an index on the filter's equality fields followed by the sort fields,
 * MongoDB answers a page as one index range scan that stops after the page (no in-memory sort, no skip).
 */
import type { Filter } from 'mongodb';

/**
 * Documents after `key` in the order of `fields` (ascending, most significant first): greater on the first field,
 * or equal on it and greater on the second, and so on.
 */
export function keysetAfter<T>(fields: readonly (readonly [field: string, value: string | number])[]): Filter<T> {
  const [first, ...rest] = fields;
  if (first === undefined) {
    throw new Error('a keyset needs at least one field');
  }
  if (rest.length === 0) {
    return { [first[0]]: { $gt: first[1] } } as Filter<T>;
  }
  const branches = fields.map(([field, value], i) => ({
    ...Object.fromEntries(fields.slice(0, i).map(([f, v]) => [f, v])),
    [field]: { $gt: value },
  }));
  return { $or: branches } as Filter<T>;
}
