/** Collection names, document shapes and indexes of the MongoDB store. */
import { type Collection, type Db, MongoServerError } from 'mongodb';

import type { PermissionLevel } from '../../config/schema.js';
import type { PrincipalType, ResourceType } from '../types.js';

const NOT_IMPLEMENTED = 238;

export interface UserDocument {
  _id: string;
  isAdmin: boolean;
  groups: string[];
  createdAt: Date;
}

/** An access token (collection access_tokens): the record, never the token; hash is a keyed HMAC. */
export interface TokenDocument {
  _id: string;
  username: string;
  name: string;
  hash: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
}

/** One failed credential attempt under one key (collection auth_failures); expiresAt carries a TTL index. */
export interface FailureDocument {
  /** "address:<ip>" or "username:<name>" (src/auth/throttle/keys.ts). */
  key: string;
  at: Date;
  /** When it stops counting. */
  expiresAt: Date;
}

export interface GrantDocument {
  /** grantKey(resourceType, resourceId, principalType, principal): one grant per principal and resource. */
  _id: string;
  resourceType: ResourceType;
  resourceId: string;
  principalType: PrincipalType;
  principal: string;
  permission: PermissionLevel;
  createdAt: Date;
  createdBy: string;
}

export interface Collections {
  readonly users: Collection<UserDocument>;
  readonly tokens: Collection<TokenDocument>;
  /** Tokens of the first format (SHA-256, collection "tokens"): no longer read, only counted for a warning. */
  readonly legacyTokens: Collection;
  readonly grants: Collection<GrantDocument>;
  readonly failures: Collection<FailureDocument>;
}

export function collectionsOf(db: Db): Collections {
  return {
    users: db.collection<UserDocument>('users'),
    tokens: db.collection<TokenDocument>('access_tokens'),
    legacyTokens: db.collection('tokens'),
    grants: db.collection<GrantDocument>('grants'),
    failures: db.collection<FailureDocument>('auth_failures'),
  };
}

/**
 * A TTL index on auth_failures.expiresAt where the server has them (MongoDB); FerretDB v1 does not, so there the
 * index is a plain one and the failure repository sweeps expired counters itself (it does on MongoDB too).
 */
async function ensureExpiryIndex(collections: Collections): Promise<void> {
  try {
    await collections.failures.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expires_ttl' });
  } catch (error) {
    if (!(
      error instanceof MongoServerError &&
      (error.code === NOT_IMPLEMENTED || /not implemented/i.test(error.message))
    )) {
      throw error;
    }
    await collections.failures.createIndex({ expiresAt: 1 }, { name: 'expires' });
  }
  await collections.failures.createIndex({ key: 1, expiresAt: 1 }, { name: 'key_expires' });
}

/** Creates the indexes the queries rely on (idempotent). */
export async function ensureIndexes(collections: Collections): Promise<void> {
  await collections.tokens.createIndex({ username: 1, name: 1 }, { unique: true, name: 'username_name_unique' });
  await ensureExpiryIndex(collections);
  await collections.grants.createIndex({ resourceType: 1, resourceId: 1 }, { name: 'resource' });
  await collections.grants.createIndex({ principalType: 1, principal: 1 }, { name: 'principal' });
}

/** The key of a grant: one per (resource, principal); parts are escaped so no separator can be forged. */
export function grantKey(resourceType: string, resourceId: string, principalType: string, principal: string): string {
  return [resourceType, resourceId, principalType, principal].map(encodeURIComponent).join('/');
}
