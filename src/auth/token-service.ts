/**
 * Managing access tokens: create (the secret returned once), list (never the secret or its hash) and revoke. The
 * one implementation behind the CLI (`mlgate token …`) and the gateway's API (/_mlgate/api/tokens).
 */
import { MlgateError } from '../errors.js';
import type { TokenRecord, TokenRepository, UserRepository } from '../store/types.js';
import { type TokenLifetimePolicy, resolveExpiry } from './token-lifetime.js';
import { type TokenHasher, generateToken } from './tokens.js';

export interface TokenSettings extends TokenLifetimePolicy {
  /** The seed's behaviour: a new token replaces every other token of the user. */
  readonly replaceOnCreate: boolean;
  /** Most tokens one user may hold. */
  readonly maxPerUser: number;
}

/** What may be shown of a token: everything but the secret and its hash. */
export interface TokenSummary {
  readonly id: string;
  readonly username: string;
  readonly name: string;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly lastUsedAt: Date | null;
}

export interface CreatedToken extends TokenSummary {
  /** The token itself, shown this once. */
  readonly token: string;
  /** Ids of the tokens this one replaced (tokens.replace_on_create). */
  readonly replaced: readonly string[];
}

export interface TokenService {
  create(
    username: string,
    request: { name?: string | undefined; expiresIn?: string | undefined },
  ): Promise<CreatedToken>;
  list(username: string): Promise<TokenSummary[]>;
  /** False when the user has no token of that id. */
  revoke(username: string, id: string): Promise<boolean>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._:@-]{0,63}$/;

/** Token names: 1 to 64 letters, digits, spaces and . _ : @ -, starting with a letter or digit. */
export function isValidTokenName(name: string): boolean {
  return NAME.test(name) && !name.endsWith(' ');
}

export function summarize(token: TokenRecord): TokenSummary {
  return {
    id: token.id,
    username: token.username,
    name: token.name,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt,
    lastUsedAt: token.lastUsedAt,
  };
}

export function createTokenService(deps: {
  readonly tokens: TokenRepository;
  readonly users: UserRepository;
  readonly hasher: TokenHasher;
  readonly settings: TokenSettings;
  readonly now?: () => Date;
}): TokenService {
  const now = deps.now ?? (() => new Date());
  return {
    async create(username, request) {
      if ((await deps.users.get(username)) === null) {
        throw new MlgateError('MLGATE_NO_SUCH_OBJECT', `User "${username}" does not exist; create it first.`);
      }
      if (request.name !== undefined && !isValidTokenName(request.name)) {
        throw new MlgateError(
          'MLGATE_REQUEST_INVALID',
          `"${request.name}" is not a valid token name: 1 to 64 letters, digits, spaces and . _ : @ -.`,
        );
      }
      const at = now();
      const expiresAt = resolveExpiry(request.expiresIn, deps.settings, at);
      let replaced: string[] = [];
      if (deps.settings.replaceOnCreate) {
        replaced = (await deps.tokens.listForUser(username)).map((t) => t.id);
        for (const id of replaced) {
          await deps.tokens.revoke(username, id);
        }
      } else if ((await deps.tokens.listForUser(username)).length >= deps.settings.maxPerUser) {
        throw new MlgateError('MLGATE_TOKEN_LIMIT', undefined, { details: { max: deps.settings.maxPerUser } });
      }
      const token = generateToken(deps.hasher);
      const record: TokenRecord = {
        id: token.id,
        username,
        name: request.name ?? `token-${token.id.slice(0, 8)}`,
        hash: token.hash,
        createdAt: at,
        expiresAt,
        lastUsedAt: null,
      };
      await deps.tokens.create(record);
      return { ...summarize(record), token: token.token, replaced };
    },
    async list(username) {
      return (await deps.tokens.listForUser(username)).map(summarize);
    },
    revoke: (username, id) => deps.tokens.revoke(username, id),
  };
}
