/** Turns MongoDB driver failures into mlgate errors at the repository boundary. */
import { MongoServerError } from 'mongodb';

import { MlgateError } from '../../errors.js';

const DUPLICATE_KEY = 11000;

export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

/** Runs a store operation; any driver failure becomes MLGATE_STORE_UNAVAILABLE (fail closed). */
export async function guarded<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof MlgateError) {
      throw error;
    }
    throw new MlgateError('MLGATE_STORE_UNAVAILABLE', undefined, { cause: error, details: { operation } });
  }
}
