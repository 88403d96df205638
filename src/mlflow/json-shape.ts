/**
 * A cheap look at a JSON body before it is parsed (pure): how many values it holds. Parsing runs on the gateway's
 * one thread, and a body of millions of tiny values (`[{},{},…]`, `[1,1,…]`) takes seconds to parse even when it
 * is small enough to read, stalling every other request. MLflow's own requests hold a few thousand values at most
 * (LogBatch: 1000 metrics, 100 params, 100 tags), so far more than that is refused before parsing.
 */
import { MlgateError } from '../errors.js';

/** Most values ("{", "[" or "," outside strings) a JSON body may hold. */
export const MAX_JSON_VALUES = 200_000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const COMMA = 0x2c;

/** Refuses (400) a JSON text with more than `limit` values, counted in one pass over its bytes. */
export function requireBoundedJson(bytes: Uint8Array, limit: number = MAX_JSON_VALUES): void {
  let inString = false;
  let values = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) {
        i++;
      } else if (byte === QUOTE) {
        inString = false;
      }
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY || byte === COMMA) {
      values++;
      if (values > limit) {
        throw new MlgateError(
          'MLGATE_REQUEST_INVALID',
          `The JSON body holds more than ${limit} values; no MLflow request needs that many. Split it into ` +
            'smaller requests.',
        );
      }
    }
  }
}
