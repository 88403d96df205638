/** Who calls the gateway's own API, and what a route reads from its path (the API chain has authenticated). */
import type { Principal } from '../../auth/principal.js';
import { MlgateError } from '../../errors.js';
import type { GatewayState } from '../state.js';

export type Caller = Principal & { readonly username: string };

/** Administrator as the policy sees one: flagged in the store, or in one of auth.admin_groups. */
export function isAdministrator(principal: Principal, adminGroups: readonly string[]): boolean {
  return principal.isAdmin || principal.groups.some((group) => adminGroups.includes(group));
}

/** The signed-in caller (MLGATE_AUTH_REQUIRED without one). */
export function caller(state: GatewayState): Caller {
  const principal = state.principal;
  if (principal?.authenticated !== true || principal.username === null) {
    throw new MlgateError('MLGATE_AUTH_REQUIRED');
  }
  return principal as Caller;
}

/** The caller, who must be an administrator (MLGATE_ADMIN_REQUIRED otherwise). */
export function requireAdministrator(state: GatewayState, adminGroups: readonly string[], what: string): Caller {
  const me = caller(state);
  if (!isAdministrator(me, adminGroups)) {
    throw new MlgateError('MLGATE_ADMIN_REQUIRED', `Only administrators may ${what}.`);
  }
  return me;
}

/** A path parameter (koa-router has already decoded it). */
export function param(ctx: object, name: string): string {
  const value = (ctx as { readonly params?: Readonly<Record<string, unknown>> }).params?.[name];
  if (typeof value !== 'string') {
    throw new MlgateError('MLGATE_REQUEST_INVALID', `The path has no ${name}.`);
  }
  return value;
}
