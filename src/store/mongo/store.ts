/** The MongoDB store: one client, the repositories over it, indexes ensured at start-up. */
import { type Db, MongoClient } from 'mongodb';

import { MlgateError } from '../../errors.js';
import { redactUri } from '../../util/redact-uri.js';
import type { Store } from '../types.js';
import { collectionsOf, ensureIndexes, sweepExpired } from './collections.js';
import { guarded } from './errors.js';
import { createFailureRepository } from './failures.js';
import { createGrantRepository } from './grants.js';
import { createGroupRepository } from './groups.js';
import { createPermissionVersionRepository } from './permission-version.js';
import { createRegexRuleRepository } from './regex-rules.js';
import { createLoginStateRepository } from './login-states.js';
import { createSessionRepository } from './sessions.js';
import { createTokenRepository } from './tokens.js';
import { createUserRepository } from './users.js';

const SWEEP_INTERVAL_MS = 10 * 60_000;

export interface MongoStoreOptions {
  readonly uri: string;
  readonly database: string;
  readonly timeoutMs: number;
}

/** Connects, ensures indexes and returns the store; fails with MLGATE_STORE_UNAVAILABLE when MongoDB cannot be reached. */
export async function openMongoStore(options: MongoStoreOptions): Promise<Store> {
  const client = new MongoClient(options.uri, {
    appName: 'mlgate',
    serverSelectionTimeoutMS: options.timeoutMs,
    connectTimeoutMS: options.timeoutMs,
    socketTimeoutMS: Math.max(options.timeoutMs * 6, 30_000),
  });
  try {
    await client.connect();
    const collections = collectionsOf(client.db(options.database));
    const { ttl } = await ensureIndexes(collections);
    const db = client.db(options.database);
    // Without TTL indexes (FerretDB), expired documents are swept now and then; any replica may do it.
    const sweeper = ttl
      ? undefined
      : setInterval(() => void sweepExpired(collections, new Date()).catch(() => undefined), SWEEP_INTERVAL_MS);
    sweeper?.unref();
    const permissionVersion = createPermissionVersionRepository(collections);
    const grantLookup = (await isFerretDB(db)) ? 'points' : 'in';
    return {
      users: createUserRepository(collections, permissionVersion),
      tokens: createTokenRepository(collections),
      grants: createGrantRepository(collections, permissionVersion, undefined, grantLookup),
      regexRules: createRegexRuleRepository(collections, permissionVersion),
      groups: createGroupRepository(collections, permissionVersion),
      permissionVersion,
      loginStates: createLoginStateRepository(collections),
      failures: createFailureRepository(collections),
      sessions: createSessionRepository(collections),
      ping: async () => {
        await guarded('ping', () => db.command({ ping: 1 }, { timeoutMS: options.timeoutMs }));
      },
      close: () => {
        clearInterval(sweeper);
        return client.close();
      },
    };
  } catch (error) {
    await client.close().catch(() => undefined);
    throw new MlgateError(
      'MLGATE_STORE_UNAVAILABLE',
      `Cannot connect to MongoDB at ${redactUri(options.uri)}: ${(error as Error).message}. ` +
        'Check mongodb.uri (MONGODB_URI) and that MongoDB is running.',
      { cause: error },
    );
  }
}

/** FerretDB says so in buildInfo (`ferretdbVersion`); MongoDB does not. */
async function isFerretDB(db: Db): Promise<boolean> {
  const info = await db.command({ buildInfo: 1 });
  return typeof info['ferretdbVersion'] === 'string';
}
