/**
 * A store held in one process's memory: the same contract as the MongoDB store (test/contract/store.ts runs
 * against both), for in-process pipeline tests and tools. Not for production: nothing is shared between replicas
 * or kept across restarts.
 */
import { MlgateError } from '../../errors.js';
import { memoryGrants } from './grants.js';
import { memoryGroups } from './groups.js';
import { partKey, rulesPart } from '../data-parts.js';
import { compareRules, compareStrings, pageOf, ruleKeyOf, sortRules } from '../pages.js';
import { duplicateRule, newRuleId, newVersion } from '../rules-shared.js';
import type {
  FailureCount,
  FailureRepository,
  LoginStateRecord,
  LoginStateRepository,
  PermissionVersionRepository,
  RegexRuleRecord,
  RegexRuleRepository,
  SessionRepository,
  Store,
  StoredSession,
  TokenRecord,
  TokenRepository,
  UserRecord,
  UserRepository,
} from '../types.js';

export function createMemoryStore(now: () => Date = () => new Date()): Store {
  const permissionVersion = memoryPermissionVersion();
  return {
    users: memoryUsers(now, permissionVersion),
    tokens: memoryTokens(),
    grants: memoryGrants(now, permissionVersion),
    regexRules: memoryRegexRules(now, permissionVersion),
    groups: memoryGroups(now, permissionVersion),
    permissionVersion,
    loginStates: memoryLoginStates(),
    failures: memoryFailures(),
    sessions: memorySessions(),
    ping: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

function memorySessions(): SessionRepository {
  const sessions = new Map<string, StoredSession>();
  const ofUser = (username: string): StoredSession[] =>
    [...sessions.values()]
      .filter((s) => s.username === username)
      .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime());
  return {
    get: (id) => Promise.resolve(sessions.get(id) ?? null),
    put: (session) => {
      sessions.set(session.id, { ...session, data: structuredClone(session.data) });
      return Promise.resolve();
    },
    update: (session) => {
      if (!sessions.has(session.id)) {
        return Promise.resolve(false);
      }
      sessions.set(session.id, { ...session, data: structuredClone(session.data) });
      return Promise.resolve(true);
    },
    delete: (id) => Promise.resolve(sessions.delete(id)),
    deleteAllForUser: (username) => {
      const mine = ofUser(username);
      for (const session of mine) sessions.delete(session.id);
      return Promise.resolve(mine.length);
    },
    listForUser: (username) => Promise.resolve(ofUser(username)),
  };
}

function memoryUsers(now: () => Date, version: PermissionVersionRepository): UserRepository {
  const users = new Map<string, UserRecord>();
  return {
    create(user) {
      if (users.has(user.username)) {
        return Promise.reject(new MlgateError('MLGATE_CONFLICT', `User "${user.username}" already exists.`));
      }
      const record: UserRecord = {
        username: user.username,
        isAdmin: user.isAdmin,
        groups: [...user.groups],
        providerGroups: [],
        createdAt: now(),
      };
      users.set(user.username, record);
      return Promise.resolve(record);
    },
    get: (username) => Promise.resolve(users.get(username) ?? null),
    list: () => Promise.resolve([...users.values()].sort((a, b) => compareStrings(a.username, b.username))),
    async update(username, changes) {
      const user = users.get(username);
      if (user === undefined) {
        return null;
      }
      const updated: UserRecord = {
        ...user,
        ...(changes.isAdmin === undefined ? {} : { isAdmin: changes.isAdmin }),
        ...(changes.groups === undefined ? {} : { groups: [...changes.groups] }),
      };
      users.set(username, updated);
      await version.bump('cache');
      return updated;
    },
    async delete(username) {
      const removed = users.delete(username);
      if (removed) await version.bump('cache');
      return removed;
    },
    async removeGroupEverywhere(group) {
      let changed = 0;
      for (const [username, user] of users) {
        if (user.groups.includes(group)) {
          users.set(username, { ...user, groups: user.groups.filter((g) => g !== group) });
          changed += 1;
        }
      }
      if (changed > 0) await version.bump('cache');
      return changed;
    },
    recordProviderLogin(username, providerGroups) {
      const existing = users.get(username);
      const record: UserRecord =
        existing === undefined
          ? { username, isAdmin: false, groups: [], providerGroups: [...providerGroups], createdAt: now() }
          : { ...existing, providerGroups: [...providerGroups] };
      users.set(username, record);
      return Promise.resolve(record);
    },
  };
}

function memoryLoginStates(): LoginStateRepository {
  const states = new Map<string, LoginStateRecord>();
  return {
    put(record) {
      if (states.has(record.id)) {
        return Promise.reject(new MlgateError('MLGATE_CONFLICT', 'A login state with this id already exists.'));
      }
      states.set(record.id, { ...record });
      return Promise.resolve();
    },
    take(id, now) {
      const record = states.get(id);
      states.delete(id);
      return Promise.resolve(record !== undefined && record.expiresAt.getTime() > now.getTime() ? record : null);
    },
  };
}

function memoryTokens(): TokenRepository {
  const tokens = new Map<string, TokenRecord>();
  const sorted = (list: TokenRecord[]): TokenRecord[] =>
    list.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || compareStrings(a.id, b.id));
  return {
    create(token) {
      if (
        tokens.has(token.id) ||
        [...tokens.values()].some((t) => t.username === token.username && t.name === token.name)
      ) {
        return Promise.reject(
          new MlgateError(
            'MLGATE_CONFLICT',
            `${token.username} already has a token named "${token.name}": choose another name or revoke that one.`,
          ),
        );
      }
      tokens.set(token.id, { ...token });
      return Promise.resolve();
    },
    findById: (id) => Promise.resolve(tokens.get(id) ?? null),
    listForUser: (username) => Promise.resolve(sorted([...tokens.values()].filter((t) => t.username === username))),
    touch(id, at) {
      const token = tokens.get(id);
      if (token !== undefined) tokens.set(id, { ...token, lastUsedAt: at });
      return Promise.resolve();
    },
    countLegacy: () => Promise.resolve(0),
    revoke(username, id) {
      const found = tokens.get(id);
      return Promise.resolve(found !== undefined && found.username === username && tokens.delete(id));
    },
    revokeAll(username) {
      const mine = [...tokens.values()].filter((t) => t.username === username);
      for (const token of mine) tokens.delete(token.id);
      return Promise.resolve(mine.length);
    },
  };
}

function memoryFailures(): FailureRepository {
  const failures: { key: string; expiresAt: Date }[] = [];
  return {
    record(keys, now, windowMs) {
      const live = failures.filter((f) => f.expiresAt.getTime() > now.getTime());
      failures.splice(0, failures.length, ...live);
      for (const key of keys) failures.push({ key, expiresAt: new Date(now.getTime() + windowMs) });
      return Promise.resolve();
    },
    read(keys, now) {
      const counts: FailureCount[] = [];
      for (const key of keys) {
        const expiries = failures
          .filter((f) => f.key === key && f.expiresAt.getTime() > now.getTime())
          .map((f) => f.expiresAt)
          .sort((a, b) => a.getTime() - b.getTime());
        if (expiries.length > 0) counts.push({ key, expiries });
      }
      return Promise.resolve(counts);
    },
  };
}

function memoryPermissionVersion(): PermissionVersionRepository {
  let version = { any: '', data: '' };
  let full = '';
  const parts = new Map<string, string>();
  return {
    read: () => Promise.resolve(version),
    readParts: () => Promise.resolve({ data: version.data, full, parts: new Map(parts) }),
    forgetParts: (keys, data) => {
      if (keys.length === 0 || data !== version.data) return Promise.resolve(false);
      for (const key of keys) parts.delete(key);
      return Promise.resolve(true);
    },
    bump: (scope = 'data', changed) => {
      const next = newVersion();
      version = { any: next, data: scope === 'data' ? next : version.data };
      if (scope === 'data') {
        if (changed === undefined || changed.length === 0) full = next;
        for (const part of changed ?? []) parts.set(partKey(part), next);
      }
      return Promise.resolve();
    },
  };
}

function memoryRegexRules(now: () => Date, version: PermissionVersionRepository): RegexRuleRepository {
  const rules = new Map<string, RegexRuleRecord>();
  return {
    async add(rule) {
      for (const existing of rules.values()) {
        if (
          existing.resourceType === rule.resourceType &&
          existing.principalType === rule.principalType &&
          existing.principal === rule.principal &&
          existing.pattern === rule.pattern
        ) {
          throw duplicateRule(rule);
        }
      }
      const record: RegexRuleRecord = { id: newRuleId(), ...rule, createdAt: now() };
      rules.set(record.id, record);
      await version.bump('data', [rulesPart(record)]);
      return record;
    },
    list: () => Promise.resolve(sortRules([...rules.values()])),
    listForPolicy: () => Promise.resolve(sortRules([...rules.values()])),
    listForPrincipals: (principals) =>
      Promise.resolve(
        sortRules(
          [...rules.values()].filter((rule) =>
            principals.some((p) => p.principalType === rule.principalType && p.principal === rule.principal),
          ),
        ),
      ),
    page(filter, request) {
      const after = request.after;
      const selected = [...rules.values()].filter(
        (r) =>
          (filter.resourceType === undefined || r.resourceType === filter.resourceType) &&
          (filter.principal === undefined ||
            (r.principalType === filter.principal.type && r.principal === filter.principal.name)) &&
          (after === null || compareRules(r, after) > 0),
      );
      return Promise.resolve(pageOf(sortRules(selected).slice(0, request.limit + 1), request.limit, ruleKeyOf));
    },
    async update(id, changes) {
      const rule = rules.get(id);
      if (rule === undefined) {
        return null;
      }
      const updated: RegexRuleRecord = {
        ...rule,
        ...(changes.priority === undefined ? {} : { priority: changes.priority }),
        ...(changes.permission === undefined ? {} : { permission: changes.permission }),
        ...(changes.createdBy === undefined ? {} : { createdBy: changes.createdBy }),
      };
      rules.set(id, updated);
      await version.bump('data', [rulesPart(updated)]);
      return updated;
    },
    async remove(id) {
      const rule = rules.get(id);
      if (rule === undefined) return false;
      rules.delete(id);
      await version.bump('data', [rulesPart(rule)]);
      return true;
    },
    async removeAllForPrincipal(principalType, principal) {
      let removed = 0;
      for (const [id, rule] of rules) {
        if (rule.principalType === principalType && rule.principal === principal) {
          rules.delete(id);
          removed += 1;
        }
      }
      if (removed > 0) await version.bump('data', [rulesPart({ principalType, principal })]);
      return removed;
    },
  };
}
