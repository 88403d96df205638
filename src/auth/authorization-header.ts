/**
 * The Authorization header of a request, as every authenticator must read it (pure): Node keeps only the first of
 * repeated Authorization headers, so a repeated one is returned as the list of every value and the authenticator
 * refuses it (MLGATE_AUTH_MALFORMED) instead of picking one.
 */
import { rawHeaderValues } from '../http/raw-headers.js';
import type { AuthRequest } from './principal.js';

export function authorizationHeader(request: AuthRequest): string | string[] | undefined {
  const values = rawHeaderValues(request.rawHeaders, 'authorization');
  return values.length > 1 ? values : request.headers.authorization;
}
