/** Collection names, document shapes and indexes of the MongoDB store. */
import { type Collection, type Db, MongoServerError } from 'mongodb';

import type { PermissionLevel } from '../../config/schema.js';
import type { PrincipalType, ResourceType } from '../types.js';

export interface UserDocument {
  _id: string;
  isAdmin: boolean;
  groups: string[];
  /** Absent on users created before provider logins existed. */
  providerGroups?: string[];
  createdAt: Date;
}

export interface LoginStateDocument {
  _id: string;
  provider: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  returnTo: string;
  createdAt: Date;
  /** A TTL index removes the document some time after this instant; take() checks it itself. */
  expiresAt: Date;
}

export interface TokenDocument {
  _id: string;
  username: string;
  name: string;
  hash: string;
  createdAt: Date;
  expiresAt: Date | null;
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
  readonly grants: Collection<GrantDocument>;
  readonly loginStates: Collection<LoginStateDocument>;
}

export function collectionsOf(db: Db): Collections {
  return {
    users: db.collection<UserDocument>('users'),
    tokens: db.collection<TokenDocument>('tokens'),
    grants: db.collection<GrantDocument>('grants'),
    loginStates: db.collection<LoginStateDocument>('login_states'),
  };
}

/** Creates the indexes the queries rely on (idempotent); `ttl`: MongoDB removes expired documents itself. */
export async function ensureIndexes(collections: Collections): Promise<{ ttl: boolean }> {
  await collections.tokens.createIndex({ hash: 1 }, { unique: true, name: 'hash_unique' });
  await collections.tokens.createIndex({ username: 1 }, { name: 'username' });
  await collections.grants.createIndex({ resourceType: 1, resourceId: 1 }, { name: 'resource' });
  await collections.grants.createIndex({ principalType: 1, principal: 1 }, { name: 'principal' });
  const ttl = await ensureExpiryIndex(collections.loginStates, 'expires_ttl');
  return { ttl };
}

const NOT_IMPLEMENTED = 238;

/**
 * An index on `expiresAt` that MongoDB uses to remove expired documents (TTL). FerretDB v1 has no TTL indexes:
 * there the index is a plain one, and the repository sweeps expired documents itself. True when TTL works.
 */
export async function ensureExpiryIndex<T extends { expiresAt: Date }>(
  collection: Collection<T>,
  name: string,
): Promise<boolean> {
  try {
    await collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name });
    return true;
  } catch (error) {
    if (!(error instanceof MongoServerError) || error.code !== NOT_IMPLEMENTED) {
      throw error;
    }
    await collection.createIndex({ expiresAt: 1 }, { name: `${name}_plain` });
    return false;
  }
}

/** The key of a grant: one per (resource, principal); parts are escaped so no separator can be forged. */
export function grantKey(resourceType: string, resourceId: string, principalType: string, principal: string): string {
  return [resourceType, resourceId, principalType, principal].map(encodeURIComponent).join('/');
}
