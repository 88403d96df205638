/**
 * Runs the authenticators in order. The first that authenticates wins; a
 * rejected credential stops the chain (never silently anonymous); a
 * credential nobody understands is rejected; no credential at all is the
 * anonymous principal, and the policy decides what anonymous may do. The
 * challenges of a 401 are added by the challenge stage (challenge.ts).
 */
import { MlgateError } from '../errors.js';
import { ANONYMOUS, type AuthRequest, type Authenticator, type Principal } from './principal.js';

export async function authenticate(authenticators: readonly Authenticator[], request: AuthRequest): Promise<Principal> {
  for (const authenticator of authenticators) {
    const outcome = await authenticator.authenticate(request);
    if (outcome.kind === 'authenticated') {
      return outcome.principal;
    }
    if (outcome.kind === 'rejected') {
      throw outcome.error;
    }
  }
  if (request.headers['authorization'] !== undefined) {
    throw new MlgateError('MLGATE_AUTH_UNSUPPORTED');
  }
  return ANONYMOUS;
}
