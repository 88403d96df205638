/**
 * JWT bearer (`Authorization: Bearer <jwt>`, what the MLflow client sends when MLFLOW_TRACKING_TOKEN is set):
 * the token is verified against the provider's keys, then names a user (see claims.ts). The user must exist in
 * the store unless provisioning is on. The token's group claims count only when jwt.trust_group_claims is on, so
 * a token alone never makes an administrator unless that is configured; the stored groups and admin flag always
 * apply.
 */
import { MlgateError } from '../../errors.js';
import { userPrincipal } from '../effective-groups.js';
import type { ExternalUsers } from '../external-users.js';
import type { AuthOutcome, Authenticator } from '../principal.js';
import { rawHeaderValues } from '../../http/raw-headers.js';
import { groupsFromClaims, usernameFromClaims } from './claims.js';
import { readBearer } from './header.js';
import type { JwtVerifier } from './verifier.js';

export interface BearerAuthenticatorDeps {
  readonly verifier: JwtVerifier;
  readonly users: ExternalUsers;
  readonly realm: string;
  /** Claims tried in order for the username (then client_id, azp). */
  readonly usernameClaims: readonly string[];
  /** Claim name or dotted path of the groups. */
  readonly groupsClaim: string;
  /** Count the token's groups (and so its admin groups) for the request. */
  readonly trustGroupClaims: boolean;
}

export function createBearerAuthenticator(deps: BearerAuthenticatorDeps): Authenticator {
  const refuse = (
    code: ConstructorParameters<typeof MlgateError>[0],
    details?: Readonly<Record<string, unknown>>,
  ): AuthOutcome => ({ kind: 'rejected', error: new MlgateError(code, undefined, details ? { details } : {}) });

  return {
    name: 'bearer',
    challenge: `Bearer realm="${deps.realm}"`,
    async authenticate(request) {
      const credential = readBearer(rawHeaderValues(request.rawHeaders, 'authorization'));
      if (credential.kind === 'none') {
        return { kind: 'not-mine' };
      }
      if (credential.kind === 'malformed') {
        return refuse('MLGATE_BEARER_MALFORMED', { reason: credential.reason });
      }
      const verified = await deps.verifier.verify(credential.token, request.now);
      if (verified.kind === 'refused' && verified.code === 'MLGATE_BEARER_KEYS_UNAVAILABLE') {
        // Not a failed credential (the provider's keys could not be fetched): thrown like a store outage, so that it
        // is answered 503 and never counted by the failed-credential throttle.
        throw new MlgateError(verified.code);
      }
      if (verified.kind === 'refused') {
        return refuse(verified.code, verified.details);
      }
      const named = usernameFromClaims(verified.payload, deps.usernameClaims);
      if (named.kind === 'missing') {
        return refuse('MLGATE_BEARER_CLAIM_MISSING', { claim: named.claims.join(' or ') });
      }
      if (named.kind === 'invalid') {
        return refuse('MLGATE_BEARER_CLAIM_INVALID', { claim: named.claim, reason: 'not a usable username' });
      }
      const user = await deps.users.find(named.username);
      if (user === null) {
        return refuse('MLGATE_BEARER_UNKNOWN_USER', { username: named.username });
      }
      const tokenGroups = deps.trustGroupClaims ? groupsFromClaims(verified.payload, deps.groupsClaim) : [];
      const jti = verified.payload.jti;
      return {
        kind: 'authenticated',
        principal: userPrincipal(user, 'bearer', {
          groups: tokenGroups,
          ...(typeof jti === 'string' && jti !== '' ? { credentialId: `jti:${jti.slice(0, 64)}` } : {}),
        }),
      };
    },
  };
}
