/**
 * The store's records and repository interfaces (the "ports"). MongoDB is the
 * implementation; any number of gateway replicas share it.
 */
import type { PermissionLevel } from '../config/schema.js';
import type { CarrierType } from '../mlflow/resources/kind.js';
import type { DataPart, DataPartVersions } from './data-parts.js';

export interface UserRecord {
  /** Lower-case login name; the key of the user. */
  readonly username: string;
  readonly isAdmin: boolean;
  /** Group memberships known to the store (set by administrators). */
  readonly groups: readonly string[];
  /**
   * The groups the identity provider sent at the user's last browser login, replaced at each login (empty for
   * users who never signed in through a provider). See effectiveGroups() for how they combine with `groups`.
   */
  readonly providerGroups: readonly string[];
  readonly createdAt: Date;
}

export interface TokenRecord {
  /** Public token id (also inside the token), safe to show and log. */
  readonly id: string;
  readonly username: string;
  /** Unique among the user's tokens. */
  readonly name: string;
  /** HMAC-SHA256 of the whole token (src/auth/tokens.ts), hex. The token itself is never stored. */
  readonly hash: string;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  /** When the token was last accepted, to about a minute (see src/auth/last-used.ts); null if never. */
  readonly lastUsedAt: Date | null;
}

/** The failed credential attempts under one key (an address or a username) that still count. */
export interface FailureCount {
  readonly key: string;
  /** When each of them stops counting, earliest first (their number is the count). */
  readonly expiries: readonly Date[];
}

/** The permission types grants and rules are made on (src/mlflow/resources/kind.ts). */
export type ResourceType = CarrierType;
export type PrincipalType = 'user' | 'group';

export interface GrantRecord {
  readonly resourceType: ResourceType;
  readonly resourceId: string;
  readonly principalType: PrincipalType;
  readonly principal: string;
  readonly permission: PermissionLevel;
  readonly createdAt: Date;
  readonly createdBy: string;
}

/** What names one grant (a grant record is one), and orders grants in a listing (src/store/pages.ts grantKey). */
export type GrantId = Pick<GrantRecord, 'resourceType' | 'resourceId' | 'principalType' | 'principal'>;

/** Which grants a listing holds: those on one resource, of one principal, both, or every grant. */
export interface GrantFilter {
  readonly resource?: { readonly type: ResourceType; readonly id: string };
  readonly principal?: { readonly type: PrincipalType; readonly name: string };
}

/** Where a page of a listing starts: after the item of key `after` (null for the first page); at most `limit` items. */
export interface PageRequest<K> {
  readonly after: K | null;
  /** At least 1. */
  readonly limit: number;
}

/** One page of a listing, in its order: `next` is the key of its last item when more follow, null at the end. */
export interface Page<T, K> {
  readonly items: T[];
  readonly next: K | null;
}

/** The grants that matter for one principal on one resource. */
export interface ResourceGrants {
  /** The user's own grant, or null. */
  readonly user: PermissionLevel | null;
  /** Grants of the principal's groups, by group name. */
  readonly groups: Readonly<Record<string, PermissionLevel>>;
}

export interface UserRepository {
  create(user: { username: string; isAdmin: boolean; groups: readonly string[] }): Promise<UserRecord>;
  get(username: string): Promise<UserRecord | null>;
  list(): Promise<UserRecord[]>;
  /** Changes the admin flag and/or the groups; null when the user does not exist. */
  update(username: string, changes: { isAdmin?: boolean; groups?: readonly string[] }): Promise<UserRecord | null>;
  /** Deletes the user; false when there was none. */
  delete(username: string): Promise<boolean>;
  /** Removes a group from every user's stored groups (provider groups are the provider's); returns how many users changed. */
  removeGroupEverywhere(group: string): Promise<number>;
  /**
   * Records a login through an identity provider: creates the user on first login (not an administrator, no
   * stored groups) and replaces their provider groups; the admin flag and stored groups are left as they are.
   */
  recordProviderLogin(username: string, providerGroups: readonly string[]): Promise<UserRecord>;
}

/** A browser login in progress (OIDC authorization code flow): single use, short-lived, any replica may finish it. */
export interface LoginStateRecord {
  /** Key of the record: a hash of the random id the browser holds in its login cookie. */
  readonly id: string;
  /** Id of the provider the login was started with. */
  readonly provider: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  /** The redirect URI sent to the provider (the code exchange must name the same one). */
  readonly redirectUri: string;
  /** Same-origin path to land on after login. */
  readonly returnTo: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export interface LoginStateRepository {
  put(record: LoginStateRecord): Promise<void>;
  /** Removes the record and returns it (single use); null when unknown, already taken, or expired at `now`. */
  take(id: string, now: Date): Promise<LoginStateRecord | null>;
}

export interface TokenRepository {
  /** Stores a new token; MLGATE_CONFLICT when the user already has a token of that name (or the id is taken). */
  create(token: TokenRecord): Promise<void>;
  findById(id: string): Promise<TokenRecord | null>;
  /** The user's tokens, oldest first. */
  listForUser(username: string): Promise<TokenRecord[]>;
  /** Records that the token was accepted at `at` (no-op when it is gone). */
  touch(id: string, at: Date): Promise<void>;
  /** How many tokens of the first format (plain SHA-256, no longer accepted) the store still holds. */
  countLegacy(): Promise<number>;
  /** Deletes a token of `username`; false when it did not exist. */
  revoke(username: string, id: string): Promise<boolean>;
  /** Deletes every token of `username`; returns how many. */
  revokeAll(username: string): Promise<number>;
}

/**
 * Failed credential attempts, shared by every replica (src/auth/throttle/): each failure is kept under its keys
 * and counts until `windowMs` after it happened.
 */
export interface FailureRepository {
  /** Records one failure at `now` under each key. */
  record(keys: readonly string[], now: Date, windowMs: number): Promise<void>;
  /** The failures that still count under each of `keys` (keys without any are left out). */
  read(keys: readonly string[], now: Date): Promise<FailureCount[]>;
}

export interface GrantRepository {
  /**
   * Creates or replaces the grant of a principal on a resource. With `expected`, only if the stored grant still has
   * that level (null: only if there is none), in one step: false when it had changed (nothing written).
   */
  put(grant: Omit<GrantRecord, 'createdAt'>, expected?: PermissionLevel | null): Promise<boolean>;
  /** Removes it (with `expected`, only if it still has that level); false when nothing was removed. */
  remove(
    resourceType: ResourceType,
    resourceId: string,
    principalType: PrincipalType,
    principal: string,
    expected?: PermissionLevel,
  ): Promise<boolean>;
  /** The user's and the groups' grants on each of `resourceIds`, keyed by resource id. */
  forPrincipal(
    resourceType: ResourceType,
    resourceIds: readonly string[],
    username: string,
    groups: readonly string[],
  ): Promise<Map<string, ResourceGrants>>;
  listForResource(resourceType: ResourceType, resourceId: string): Promise<GrantRecord[]>;
  /** Every grant of one user or group, by resource type and id. */
  listForPrincipal(principalType: PrincipalType, principal: string): Promise<GrantRecord[]>;
  /** Every grant (mlgate apply and export), in a stable order. */
  list(): Promise<GrantRecord[]>;
  /**
   * One page of the grants the filter selects, in the order of their keys (grantKey), read in the database: the
   * items after `request.after`, at most `request.limit` of them (the gateway's API, /_mlgate/api/grants).
   */
  page(filter: GrantFilter, request: PageRequest<GrantId>): Promise<Page<GrantRecord, GrantId>>;
  /** Removes every grant on a resource (a new resource starts with none); returns how many. */
  removeAllForResource(resourceType: ResourceType, resourceId: string): Promise<number>;
  /** Removes every grant of a principal; returns how many. */
  removeAllForPrincipal(principalType: PrincipalType, principal: string): Promise<number>;
  /**
   * Moves every grant on a resource to another id of the same type (a registered model renamed, h/registry): when
   * `from` has grants, the grants `to` had are replaced by them (the moved resource is the one that exists under
   * that id now), and none is left on `from`; when it has none, nothing changes. Safe to repeat after a failure
   * part way (the grants on `from` are removed last). Returns how many grants moved.
   */
  moveResource(resourceType: ResourceType, from: string, to: string): Promise<number>;
}

/**
 * A regex rule (issue 8): the permission a user or the members of a group hold on every resource of a type whose
 * name matches `pattern` as a whole. Among the rules that match, the lowest `priority` number decides
 * (policies/mlgate/permissions). NO_PERMISSIONS is an explicit deny.
 */
export interface RegexRuleRecord {
  /** Generated when the rule is added; names the rule in decisions (checks[].rule) and for removal. */
  readonly id: string;
  readonly resourceType: ResourceType;
  readonly principalType: PrincipalType;
  readonly principal: string;
  /** RE2 syntax (the policy engine's), matched against the whole name; checked before it is stored. */
  readonly pattern: string;
  readonly priority: number;
  readonly permission: PermissionLevel;
  readonly createdAt: Date;
  readonly createdBy: string;
}

/** A rule's place in listings: they are ordered by these fields, in this order (src/store/pages.ts). */
export type RuleOrderKey = Pick<RegexRuleRecord, 'resourceType' | 'principalType' | 'principal' | 'priority' | 'id'>;

/** Which rules a listing holds: of one resource type, of one user or group, both, or every rule. */
export interface RuleFilter {
  readonly resourceType?: ResourceType;
  readonly principal?: { readonly type: PrincipalType; readonly name: string };
}

/** What the policy data is built from: a stored rule without who added it and when. */
export type RegexRuleFields = Omit<RegexRuleRecord, 'createdAt' | 'createdBy'>;

export interface RegexRuleRepository {
  /** Adds a rule; MLGATE_CONFLICT when the principal already has a rule with this pattern on this resource type. */
  add(rule: Omit<RegexRuleRecord, 'id' | 'createdAt'>): Promise<RegexRuleRecord>;
  /** Every rule, ordered by resource type, principal type, principal, priority, id. */
  list(): Promise<RegexRuleRecord[]>;
  /**
   * Every rule in the same order, with only the fields the policy data is built from: live data reads them all on
   * every reload of every replica, and less read is less garbage (issue 8).
   */
  listForPolicy(): Promise<RegexRuleFields[]>;
  /** The rules of these principals (every resource type), as listForPolicy gives them and in its order. */
  listForPrincipals(
    principals: readonly { readonly principalType: PrincipalType; readonly principal: string }[],
  ): Promise<RegexRuleFields[]>;
  /** One page of the rules the filter selects, in the order of list(), read in the database (/_mlgate/api/rules). */
  page(filter: RuleFilter, request: PageRequest<RuleOrderKey>): Promise<Page<RegexRuleRecord, RuleOrderKey>>;
  /** Changes a rule's priority, permission or author; null when there is none. */
  update(
    id: string,
    changes: { priority?: number; permission?: PermissionLevel; createdBy?: string },
  ): Promise<RegexRuleRecord | null>;
  /** Removes a rule; false when there was none. */
  remove(id: string): Promise<boolean>;
  /** Removes every rule of a principal; returns how many. */
  removeAllForPrincipal(principalType: PrincipalType, principal: string): Promise<number>;
}

/**
 * A group defined in the store (issue 8, item 2): it exists before any member signs in, so grants and rules can be
 * made ahead, and it carries settings of its own. Grants and rules may also name groups that are not defined (groups
 * an identity provider sends); those have no settings.
 */
export interface GroupRecord {
  /** The group's name, as users' groups and grants name it. */
  readonly name: string;
  readonly description: string;
  /**
   * What the group is granted on each resource one of its members creates (next to the creator's own grant); null
   * for nothing.
   */
  readonly creatorPermission: PermissionLevel | null;
  readonly createdAt: Date;
  readonly createdBy: string;
}

export interface GroupRepository {
  /** Defines a group; MLGATE_CONFLICT when it is defined already. */
  create(group: Omit<GroupRecord, 'createdAt'>): Promise<GroupRecord>;
  get(name: string): Promise<GroupRecord | null>;
  /** Every defined group, by name. */
  list(): Promise<GroupRecord[]>;
  /** The defined groups among these names, by name. */
  getMany(names: readonly string[]): Promise<GroupRecord[]>;
  /** One page of the defined groups by name, after the group named `request.after` (/_mlgate/api/groups). */
  page(request: PageRequest<string>): Promise<Page<GroupRecord, string>>;
  /** Changes the description and/or the creator permission; null when the group is not defined. */
  update(
    name: string,
    changes: { description?: string; creatorPermission?: PermissionLevel | null; createdBy?: string },
  ): Promise<GroupRecord | null>;
  /** Removes the definition only (see the CLI's group delete for its grants and rules); false when there was none. */
  delete(name: string): Promise<boolean>;
}

/**
 * The version of the permission data: every write bumps it, so each replica notices a change made by any other by
 * reading one small document (src/policy/live-data.ts). `data` changes only with what the policy's data is built
 * from (regex rules, groups): a grant or a user change makes replicas drop cached grants and users, without
 * rebuilding the policy's data.
 */
export interface PermissionVersion {
  /** Changes with every write; "" before the first. */
  readonly any: string;
  /** Changes with writes of regex rules and groups; "" before the first. */
  readonly data: string;
}

/** What a write changed: the policy's data (rules, groups), or only what replicas cache (grants, users). */
export type VersionScope = 'data' | 'cache';

export interface PermissionVersionRepository {
  read(): Promise<PermissionVersion>;
  /**
   * Gives the version (and, for scope "data", the data version) a new value never used before; with `parts`, each of
   * those parts too (data-parts.ts), else, for scope "data", the `full` version: replicas then read all the data.
   */
  bump(scope?: VersionScope, parts?: readonly DataPart[]): Promise<void>;
  /** The data version with the versions of its parts, read together. */
  readParts(): Promise<DataPartVersions>;
  /**
   * Forgets these parts' versions (data-parts.ts: so the document stays small), provided the data version is still
   * `data`; a replica that still holds one reads that part again, finding it gone. Answers whether it did.
   */
  forgetParts(keys: readonly string[], data: string): Promise<boolean>;
  /**
   * Calls `onChange` soon after any replica bumps the version, where the server can push changes (a MongoDB change
   * stream); `onUnavailable` once when it cannot (FerretDB has no change streams) or the stream fails. Returns a
   * function that stops watching. Polling read() stays the guarantee; this only makes changes arrive sooner.
   */
  watch?(onChange: () => void, onUnavailable: (reason: string) => void): () => void;
}

/**
 * One browser session as stored: the session middleware's own data, opaque to the store, plus the fields the store
 * queries (whose session, and until when it may be kept).
 */
export interface StoredSession {
  readonly id: string;
  readonly username: string;
  /** After this the session is worthless: MongoDB may delete it (TTL index). */
  readonly expiresAt: Date;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface SessionRepository {
  get(id: string): Promise<StoredSession | null>;
  /** Creates or replaces the session (sign-in only). */
  put(session: StoredSession): Promise<void>;
  /** Replaces the session if it still exists (activity); false when it was ended meanwhile, which stays ended. */
  update(session: StoredSession): Promise<boolean>;
  /** Deletes one session; false when there was none. */
  delete(id: string): Promise<boolean>;
  /** Deletes every session of a user; returns how many. */
  deleteAllForUser(username: string): Promise<number>;
  listForUser(username: string): Promise<StoredSession[]>;
}

export interface Store {
  readonly users: UserRepository;
  readonly tokens: TokenRepository;
  readonly grants: GrantRepository;
  readonly regexRules: RegexRuleRepository;
  readonly groups: GroupRepository;
  readonly permissionVersion: PermissionVersionRepository;
  readonly loginStates: LoginStateRepository;
  readonly failures: FailureRepository;
  readonly sessions: SessionRepository;
  /** Round trip to the database, for readiness. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
