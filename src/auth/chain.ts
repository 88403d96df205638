/**
 * Runs the authenticators in order. The first that authenticates wins; a
 * rejected credential stops the chain (never silently anonymous); a
 * credential nobody understands is rejected; no credential at all is the
 * anonymous principal, and the policy decides what anonymous may do. The
 * challenges of a 401 are added by the challenge stage (challenge.ts).
 *
 * With a throttle guard, every outcome that presents a credential (authenticated or rejected, of any kind) passes
 * through it: failures are counted and may be delayed or turned into 429 (throttle/policy.ts).
 */
import { MlgateError } from '../errors.js';
import { ANONYMOUS, type AuthRequest, type Authenticator, type Principal } from './principal.js';
import type { ThrottleGuard } from './throttle/guard.js';

export async function authenticate(
  authenticators: readonly Authenticator[],
  request: AuthRequest,
  throttle?: ThrottleGuard,
): Promise<Principal> {
  for (const authenticator of authenticators) {
    let outcome = await authenticator.authenticate(request);
    if (throttle !== undefined && outcome.kind !== 'not-mine') {
      outcome = await throttle.screen(outcome, request);
    }
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
