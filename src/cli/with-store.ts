/**
 * The store a CLI command runs with: opened only once the command has checked its arguments (argumentsFirst), and
 * closed when it ends.
 */
import type { LoadedConfig } from '../config/load.js';
import { openMongoStore } from '../store/mongo/store.js';
import type { Store } from '../store/types.js';

/**
 * Runs a command first against a store that cannot be used: a command checks its arguments before it reads or
 * writes, so one given wrong arguments fails at once (exit 2) instead of after connecting to MongoDB (up to
 * mongodb.timeout_ms when it is down), and one that needs no store answers without connecting. Whatever the command
 * did once it reached for the store is thrown away, and it runs again with the real store.
 */
export async function argumentsFirst<T>(loaded: LoadedConfig, run: (store: Store) => Promise<T>): Promise<T> {
  let reached = false;
  // Naming a repository is not using it (the token service is made up front); calling anything on one is.
  const repository = new Proxy(
    {},
    {
      get() {
        reached = true;
        throw new Error('the store is not open yet');
      },
    },
  );
  const unopened = new Proxy({} as Store, { get: () => repository });
  let result: T;
  try {
    result = await run(unopened);
  } catch (error) {
    if (reached) return withStore(loaded, run);
    throw error;
  }
  return reached ? withStore(loaded, run) : result;
}

async function withStore<T>(loaded: LoadedConfig, run: (store: Store) => Promise<T>): Promise<T> {
  const { mongodb } = loaded.config;
  const store = await openMongoStore({ uri: mongodb.uri, database: mongodb.database, timeoutMs: mongodb.timeout_ms });
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}
