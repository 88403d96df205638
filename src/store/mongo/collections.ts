/** Collection names, document shapes and indexes of the MongoDB store. */
import type { Collection, Db, Document } from 'mongodb';

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
  /** grantKey(resourceType, resourceId, principalType, principal) (src/store/pages.ts): one grant per principal and resource. */
  _id: string;
  resourceType: ResourceType;
  resourceId: string;
  principalType: PrincipalType;
  principal: string;
  permission: PermissionLevel;
  createdAt: Date;
  createdBy: string;
}

export interface RegexRuleDocument {
  /** The rule's id. */
  _id: string;
  resourceType: ResourceType;
  principalType: PrincipalType;
  principal: string;
  pattern: string;
  priority: number;
  permission: PermissionLevel;
  createdAt: Date;
  createdBy: string;
}

/** A defined group (collection groups). */
export interface GroupDocument {
  /** The group's name. */
  _id: string;
  description: string;
  creatorPermission: PermissionLevel | null;
  createdAt: Date;
  createdBy: string;
}

/**
 * Small documents of the store's own (collection meta): {_id: "permissions", version, dataVersion} is bumped by every
 * write (dataVersion by writes of regex rules and groups only); {_id: "permission-data", dataVersion} by writes of
 * regex rules and groups only (src/store/mongo/permission-version.ts).
 */
export interface MetaDocument {
  _id: string;
  /** "permissions": changes with every write. */
  version?: string;
  /** Absent before the first data write. */
  dataVersion?: string;
  changedAt?: Date;
}

/** The version of one part of the policy's data (src/store/data-parts.ts): _id is partField(partKey(part)). */
export interface PartDocument {
  _id: string;
  version: string;
}

export interface SessionDocument {
  /** The session id (the cookie's value). */
  _id: string;
  username: string;
  /** TTL index: MongoDB removes the session some time after this. */
  expiresAt: Date;
  data: Record<string, unknown>;
}

export interface Collections {
  readonly users: Collection<UserDocument>;
  readonly tokens: Collection<TokenDocument>;
  /** Tokens of the first format (SHA-256, collection "tokens"): no longer read, only counted for a warning. */
  readonly legacyTokens: Collection;
  readonly grants: Collection<GrantDocument>;
  readonly regexRules: Collection<RegexRuleDocument>;
  readonly groups: Collection<GroupDocument>;
  readonly meta: Collection<MetaDocument>;
  readonly permissionParts: Collection<PartDocument>;
  readonly loginStates: Collection<LoginStateDocument>;
  readonly failures: Collection<FailureDocument>;
  readonly sessions: Collection<SessionDocument>;
}

export function collectionsOf(db: Db): Collections {
  return {
    users: db.collection<UserDocument>('users'),
    tokens: db.collection<TokenDocument>('access_tokens'),
    legacyTokens: db.collection('tokens'),
    grants: db.collection<GrantDocument>('grants'),
    regexRules: db.collection<RegexRuleDocument>('regex_rules'),
    groups: db.collection<GroupDocument>('groups'),
    meta: db.collection<MetaDocument>('meta'),
    permissionParts: db.collection<PartDocument>('permission_parts'),
    loginStates: db.collection<LoginStateDocument>('login_states'),
    failures: db.collection<FailureDocument>('auth_failures'),
    sessions: db.collection<SessionDocument>('sessions'),
  };
}

/**
 * Creates the indexes the queries rely on (idempotent). Returns whether MongoDB removes expired documents itself
 * (TTL indexes); FerretDB does not, and the store then sweeps them (store.ts).
 */
export async function ensureIndexes(collections: Collections): Promise<{ readonly ttl: boolean }> {
  await collections.tokens.createIndex({ username: 1, name: 1 }, { unique: true, name: 'username_name_unique' });
  // A resource's or a principal's grants, and their pages in key order (grants.page: equality, then a range on _id).
  await collections.grants.createIndex({ resourceType: 1, resourceId: 1, _id: 1 }, { name: 'resource_key' });
  await collections.grants.createIndex({ principalType: 1, principal: 1, _id: 1 }, { name: 'principal_key' });
  // Their prefixes, made by earlier versions: the indexes above serve every query they served.
  await dropIndexIfPresent(collections.grants, 'resource');
  await dropIndexIfPresent(collections.grants, 'principal');
  await collections.sessions.createIndex({ username: 1 }, { name: 'username' });
  await collections.regexRules.createIndex(
    { resourceType: 1, principalType: 1, principal: 1, pattern: 1 },
    { unique: true, name: 'principal_pattern_unique' },
  );
  // Rules in listing order (regexRules.page, src/store/pages.ts RULE_ORDER_FIELDS).
  await collections.regexRules.createIndex(
    { resourceType: 1, principalType: 1, principal: 1, priority: 1, _id: 1 },
    { name: 'listing_order' },
  );
  // One principal's rules of every type (regexRules.listForPrincipals: live data reading a changed part).
  await collections.regexRules.createIndex({ principalType: 1, principal: 1 }, { name: 'principal' });
  await collections.failures.createIndex({ key: 1, expiresAt: 1 }, { name: 'key_expires' });
  // Expired sessions, failures and login states are ignored on read; removing them only keeps the collections from growing.
  try {
    await collections.sessions.createIndex({ expiresAt: 1 }, { name: 'expires_ttl', expireAfterSeconds: 0 });
    await collections.failures.createIndex({ expiresAt: 1 }, { name: 'expires_ttl', expireAfterSeconds: 0 });
    await collections.loginStates.createIndex({ expiresAt: 1 }, { name: 'expires_ttl', expireAfterSeconds: 0 });
    return { ttl: true };
  } catch (error) {
    if (!isNotImplemented(error)) {
      throw error;
    }
    await collections.sessions.createIndex({ expiresAt: 1 }, { name: 'expires' });
    await collections.loginStates.createIndex({ expiresAt: 1 }, { name: 'expires' });
    await collections.failures.createIndex({ expiresAt: 1 }, { name: 'expires' });
    return { ttl: false };
  }
}

/** Documents whose `expiresAt` has passed, in every collection that has them (for stores without TTL indexes). */
export async function sweepExpired(collections: Collections, now: Date): Promise<void> {
  await collections.sessions.deleteMany({ expiresAt: { $lt: now } });
  await collections.loginStates.deleteMany({ expiresAt: { $lt: now } });
  await collections.failures.deleteMany({ expiresAt: { $lt: now } });
}

/** Drops an index by name; nothing when there is none (a new store, or another replica dropped it first). */
async function dropIndexIfPresent<T extends Document>(collection: Collection<T>, name: string): Promise<void> {
  const present = await collection.indexExists(name);
  if (!present) {
    return;
  }
  try {
    await collection.dropIndex(name);
  } catch (error) {
    if (await collection.indexExists(name)) {
      throw error;
    }
  }
}

function isNotImplemented(error: unknown): boolean {
  return /not implemented/i.test((error as Error | null)?.message ?? '');
}
