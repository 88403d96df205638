/**
 * Access tokens through the gateway's own API (the API chain has already required a signed-in caller):
 *
 *   GET    /_mlgate/api/tokens                          the caller's tokens
 *   POST   /_mlgate/api/tokens {name?, expires_in?}     a new token for the caller, its secret shown this once
 *   DELETE /_mlgate/api/tokens/:id                      revoke one of the caller's tokens
 *   GET    /_mlgate/api/users/:username/tokens          administrators: anyone's tokens
 *   DELETE /_mlgate/api/users/:username/tokens/:id      administrators: revoke anyone's token
 *
 * Creating a token with an access token is refused unless tokens.create_with_token is on: a leaked token must not
 * be able to mint others that outlive its revocation.
 */
import type Router from 'koa-router';
import { z } from 'zod';

import type { TokenService, TokenSummary } from '../../auth/token-service.js';
import { isValidUsername, normalizeUsername } from '../../auth/usernames.js';
import { MlgateError } from '../../errors.js';
import type { GatewayState } from '../state.js';
import { caller, param, requireAdministrator } from './caller.js';
import { readJsonBody } from './json-body.js';

export interface TokenRoutesDeps {
  readonly tokens: TokenService;
  /** auth.admin_groups: members are administrators, as for the policy. */
  readonly adminGroups: readonly string[];
  /** tokens.create_with_token. */
  readonly createWithToken: boolean;
}

const CreateBody = z.strictObject({
  name: z.string().min(1).max(64).optional(),
  expires_in: z.string().min(1).max(32).optional(),
});

export function tokenJson(token: TokenSummary): Record<string, unknown> {
  return {
    id: token.id,
    name: token.name,
    username: token.username,
    created_at: token.createdAt.toISOString(),
    expires_at: token.expiresAt?.toISOString() ?? null,
    last_used_at: token.lastUsedAt?.toISOString() ?? null,
  };
}

function usernameParam(raw: string): string {
  const username = normalizeUsername(raw);
  if (!isValidUsername(username)) {
    throw new MlgateError('MLGATE_REQUEST_INVALID', `"${raw}" is not a valid username.`);
  }
  return username;
}

export function registerTokenRoutes(router: Router<GatewayState>, deps: TokenRoutesDeps): void {
  const revoke = async (username: string, id: string): Promise<void> => {
    if (!(await deps.tokens.revoke(username, id))) {
      throw new MlgateError('MLGATE_NO_SUCH_OBJECT', `${username} has no access token ${id}.`);
    }
  };
  const requireAdmin = (state: GatewayState): void => {
    requireAdministrator(state, deps.adminGroups, "list or revoke other users' access tokens");
  };

  router.get('/tokens', async (ctx) => {
    const me = caller(ctx.state);
    ctx.body = { tokens: (await deps.tokens.list(me.username)).map(tokenJson) };
  });

  router.post('/tokens', async (ctx) => {
    const me = caller(ctx.state);
    // Bearer tokens are tokens too (often the most widely shared, and short-lived): a 10-minute JWT must not mint a
    // token that lives for months.
    if ((me.method === 'basic' || me.method === 'bearer') && !deps.createWithToken) {
      throw new MlgateError('MLGATE_TOKEN_CREATE_FORBIDDEN');
    }
    const body = await readJsonBody(ctx, CreateBody);
    const created = await deps.tokens.create(me.username, { name: body.name, expiresIn: body.expires_in });
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 201;
    ctx.body = { ...tokenJson(created), token: created.token, replaced: created.replaced };
  });

  router.delete('/tokens/:id', async (ctx) => {
    const me = caller(ctx.state);
    await revoke(me.username, param(ctx, 'id'));
    ctx.status = 204;
  });

  router.get('/users/:username/tokens', async (ctx) => {
    requireAdmin(ctx.state);
    const username = usernameParam(param(ctx, 'username'));
    ctx.body = { tokens: (await deps.tokens.list(username)).map(tokenJson) };
  });

  router.delete('/users/:username/tokens/:id', async (ctx) => {
    requireAdmin(ctx.state);
    await revoke(usernameParam(param(ctx, 'username')), param(ctx, 'id'));
    ctx.status = 204;
  });
}
