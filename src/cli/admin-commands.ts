/**
 * Commands that manage users, access tokens and grants directly in the store,
 * enough to run mlgate without an admin UI.
 */
import type { TokenService, TokenSummary } from '../auth/token-service.js';
import { MlgateError } from '../errors.js';
import { CLI_INPUT, parseGroupName, parseUsername } from '../permissions/input.js';
import type { Store } from '../store/types.js';

export interface Output {
  /** Machine-readable result (printed as JSON with --json). */
  readonly data: unknown;
  /** Human-readable lines. */
  readonly lines: readonly string[];
  /** The exit status when the command succeeded (default 0; mlgate explain: 3 when the request is refused). */
  readonly exitCode?: number;
}

function usage(message: string): MlgateError {
  return new MlgateError('MLGATE_USAGE', `${message} Run "mlgate help" for usage.`);
}

export function requireUsername(raw: string | undefined): string {
  if (raw === undefined) {
    throw usage('A username is required.');
  }
  return parseUsername(raw, CLI_INPUT);
}

export function requireGroup(raw: string): string {
  return parseGroupName(raw, CLI_INPUT);
}

export async function createUser(
  store: Store,
  args: { username: string | undefined; admin: boolean; groups: readonly string[] },
): Promise<Output> {
  const username = requireUsername(args.username);
  const groups = [...new Set(args.groups.map(requireGroup))];
  const user = await store.users.create({ username, isAdmin: args.admin, groups });
  return {
    data: { username: user.username, is_admin: user.isAdmin, groups: user.groups },
    lines: [
      `Created ${user.isAdmin ? 'administrator' : 'user'} ${user.username}${groups.length ? ` (groups: ${groups.join(', ')})` : ''}.`,
    ],
  };
}

export async function setAdmin(
  store: Store,
  args: { username: string | undefined; value: string | undefined },
): Promise<Output> {
  const username = requireUsername(args.username);
  if (args.value !== 'true' && args.value !== 'false') {
    throw usage('Give true or false: mlgate user set-admin <username> <true|false>.');
  }
  const user = await store.users.update(username, { isAdmin: args.value === 'true' });
  if (user === null) {
    throw new MlgateError('MLGATE_NO_SUCH_OBJECT', `User "${username}" does not exist.`);
  }
  return {
    data: { username, is_admin: user.isAdmin },
    lines: [`${username} is ${user.isAdmin ? 'now' : 'no longer'} an administrator.`],
  };
}

export async function setGroups(
  store: Store,
  args: { username: string | undefined; groups: readonly string[] },
): Promise<Output> {
  const username = requireUsername(args.username);
  const groups = [...new Set(args.groups.map(requireGroup))];
  const user = await store.users.update(username, { groups });
  if (user === null) {
    throw new MlgateError('MLGATE_NO_SUCH_OBJECT', `User "${username}" does not exist.`);
  }
  return {
    data: { username, groups: user.groups },
    lines: [`${username} is in ${groups.length === 0 ? 'no groups' : `groups ${groups.join(', ')}`}.`],
  };
}

/** Deletes a user with their tokens and their own grants (grants of their groups stay). */
export async function deleteUser(store: Store, args: { username: string | undefined }): Promise<Output> {
  const username = requireUsername(args.username);
  // Tokens first: a half-finished deletion must leave no working credential behind.
  const tokens = await store.tokens.revokeAll(username);
  await store.sessions.deleteAllForUser(username);
  const grants = await store.grants.removeAllForPrincipal('user', username);
  const rules = await store.regexRules.removeAllForPrincipal('user', username);
  if (!(await store.users.delete(username))) {
    throw new MlgateError('MLGATE_NO_SUCH_OBJECT', `User "${username}" does not exist.`);
  }
  return {
    data: { username, deleted: true, tokens_revoked: tokens, grants_removed: grants, rules_removed: rules },
    lines: [`Deleted ${username} (${tokens} token(s) revoked, ${grants} grant(s) and ${rules} regex rule(s) removed).`],
  };
}

export async function listUsers(store: Store): Promise<Output> {
  const users = await store.users.list();
  return {
    data: users.map((u) => ({ username: u.username, is_admin: u.isAdmin, groups: u.groups, created_at: u.createdAt })),
    lines: users.map(
      (u) => `${u.username}${u.isAdmin ? ' [admin]' : ''}${u.groups.length ? ` groups=${u.groups.join(',')}` : ''}`,
    ),
  };
}

function tokenData(t: TokenSummary): Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    created_at: t.createdAt,
    expires_at: t.expiresAt,
    last_used_at: t.lastUsedAt,
  };
}

export async function createToken(
  tokens: TokenService,
  args: { username: string | undefined; name: string | undefined; expiresIn: string | undefined },
): Promise<Output> {
  const username = requireUsername(args.username);
  const created = await tokens.create(username, { name: args.name, expiresIn: args.expiresIn });
  return {
    data: { username, ...tokenData(created), token: created.token, replaced: created.replaced },
    // The token alone on stdout, so scripts can capture it.
    lines: [created.token],
  };
}

export async function listTokens(tokens: TokenService, args: { username: string | undefined }): Promise<Output> {
  const username = requireUsername(args.username);
  const listed = await tokens.list(username);
  return {
    data: listed.map(tokenData),
    lines: listed.map(
      (t) =>
        `${t.id}  ${t.name}  created ${t.createdAt.toISOString()}  ` +
        `${t.expiresAt ? `expires ${t.expiresAt.toISOString()}` : 'no expiry'}  ` +
        `${t.lastUsedAt ? `last used ${t.lastUsedAt.toISOString()}` : 'never used'}`,
    ),
  };
}

export async function revokeToken(
  tokens: TokenService,
  args: { username: string | undefined; id: string | undefined },
): Promise<Output> {
  const username = requireUsername(args.username);
  if (args.id === undefined) {
    throw usage('A token id is required (see mlgate token list).');
  }
  if (!(await tokens.revoke(username, args.id))) {
    throw new MlgateError('MLGATE_NO_SUCH_OBJECT', `User "${username}" has no token ${args.id}.`);
  }
  return { data: { revoked: args.id }, lines: [`Revoked token ${args.id} of ${username}.`] };
}
