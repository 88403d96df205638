/** Collection names, document shapes and indexes of the MongoDB store. */
import type { Collection, Db } from 'mongodb';

import type { PermissionLevel } from '../../config/schema.js';
import type { PrincipalType, ResourceType } from '../types.js';

export interface UserDocument {
  _id: string;
  isAdmin: boolean;
  groups: string[];
  createdAt: Date;
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
}

export function collectionsOf(db: Db): Collections {
  return {
    users: db.collection<UserDocument>('users'),
    tokens: db.collection<TokenDocument>('tokens'),
    grants: db.collection<GrantDocument>('grants'),
  };
}

/** Creates the indexes the queries rely on (idempotent). */
export async function ensureIndexes(collections: Collections): Promise<void> {
  await collections.tokens.createIndex({ hash: 1 }, { unique: true, name: 'hash_unique' });
  await collections.tokens.createIndex({ username: 1 }, { name: 'username' });
  await collections.grants.createIndex({ resourceType: 1, resourceId: 1 }, { name: 'resource' });
  await collections.grants.createIndex({ principalType: 1, principal: 1 }, { name: 'principal' });
}

/** The key of a grant: one per (resource, principal); parts are escaped so no separator can be forged. */
export function grantKey(resourceType: string, resourceId: string, principalType: string, principal: string): string {
  return [resourceType, resourceId, principalType, principal].map(encodeURIComponent).join('/');
}
