/**
 * The policy's data document cut into pieces that can be parsed into the policy one at a time (pure). Parsing the
 * whole document in one call held the event loop for milliseconds at 1,000 regex rules (src/policy/data-loader.ts
 * loads the pieces a few per event-loop turn instead). A piece is the JSON text of one value and the keys that lead
 * to it from the root; putting every piece at its path rebuilds the document exactly as JSON.stringify writes it.
 *
 * An object (plain, or without a prototype) whose JSON would be larger than the piece size is cut into its keys,
 * recursively; anything else (an array, a string, a number, an object with its own toJSON) is one piece whatever
 * its size. Pieces are made lazily, as they are asked for, so making them is spread over the turns as well.
 *
 * The JSON of a frozen value can be kept in a WeakMap given by the caller and reused the next time the same value is
 * met (the rule lists a reload did not rebuild, src/policy/permission-data.ts): a frozen value whose contents are
 * frozen too never changes, so neither does its JSON. Values not frozen are written anew each time.
 */

/** One value of the document and where it goes. */
export interface DataPiece {
  /** Object keys from the root to the value; never empty. */
  readonly path: readonly string[];
  /** The value's JSON text (JSON.stringify). */
  readonly json: string;
}

/**
 * The pieces of `document`, none larger than about `maxBytes` unless it cannot be cut (see above). A key whose
 * value JSON leaves out (undefined, a function, a symbol) gives no piece, as JSON.stringify leaves it out.
 */
export function* dataPieces(
  document: object,
  maxBytes: number,
  knownJson?: WeakMap<object, string>,
): Generator<DataPiece> {
  yield* piecesOf(document, [], maxBytes, knownJson);
}

function* piecesOf(
  value: object,
  path: readonly string[],
  maxBytes: number,
  knownJson: WeakMap<object, string> | undefined,
): Generator<DataPiece> {
  for (const key of Object.keys(value)) {
    const child: unknown = (value as Record<string, unknown>)[key];
    const at = [...path, key];
    if (isCuttable(child) && exceedsBytes(child, maxBytes)) {
      let given = 0;
      for (const piece of piecesOf(child, at, maxBytes, knownJson)) {
        given += 1;
        yield piece;
      }
      // Putting a piece at a path makes the objects on the way; an object that gave none is made here.
      if (given === 0) {
        yield { path: at, json: '{}' };
      }
      continue;
    }
    const json = jsonOf(child, knownJson);
    if (json !== undefined) {
      yield { path: at, json };
    }
  }
}

/** The JSON of `value`, from `knownJson` when it is a frozen object written before (see above). */
function jsonOf(value: unknown, knownJson: WeakMap<object, string> | undefined): string | undefined {
  if (knownJson === undefined || value === null || typeof value !== 'object' || !Object.isFrozen(value)) {
    return JSON.stringify(value);
  }
  let json = knownJson.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    if (json !== undefined) knownJson.set(value, json);
  }
  return json;
}

/** An object JSON writes key by key: a plain object or one without a prototype, with no toJSON of its own. */
function isCuttable(value: unknown): value is object {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  return typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/**
 * Whether the JSON of `value` is larger than about `limit` bytes, estimated (string lengths, keys, punctuation),
 * looking at no more of the value than it takes to pass the limit.
 */
export function exceedsBytes(value: unknown, limit: number): boolean {
  let left = limit;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next === 'string') {
      left -= next.length + 2;
    } else if (next !== null && typeof next === 'object') {
      left -= 2;
      // Each element or key counts before it is looked at, so a huge array or object stops the walk early.
      if (Array.isArray(next)) {
        for (const item of next as unknown[]) {
          left -= 1;
          if (left < 0) return true;
          stack.push(item);
        }
      } else {
        for (const key of Object.keys(next)) {
          left -= key.length + 4;
          if (left < 0) return true;
          stack.push((next as Record<string, unknown>)[key]);
        }
      }
    } else {
      left -= 8;
    }
    if (left < 0) return true;
  }
  return false;
}
