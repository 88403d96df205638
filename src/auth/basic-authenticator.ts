/**
 * HTTP Basic with access tokens: what the MLflow client sends when
 * MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD are set.
 */
import { MlgateError } from '../errors.js';
import { authorizationHeader } from './authorization-header.js';
import { parseAuthorization } from './basic-header.js';
import type { CredentialVerifier } from './credentials.js';
import type { Authenticator } from './principal.js';

export function createBasicAuthenticator(deps: {
  readonly verifier: CredentialVerifier;
  readonly realm: string;
}): Authenticator {
  return {
    name: 'basic',
    challenge: basicChallenge(deps.realm),
    async authenticate(request) {
      const parsed = parseAuthorization(authorizationHeader(request));
      if (parsed.kind === 'none' || parsed.kind === 'other') {
        return { kind: 'not-mine' };
      }
      if (parsed.kind === 'malformed') {
        return {
          kind: 'rejected',
          error: new MlgateError('MLGATE_AUTH_MALFORMED', undefined, {
            details: { reason: parsed.reason },
          }),
        };
      }
      const result = await deps.verifier.verify(parsed.username, parsed.password, request.now);
      switch (result.kind) {
        case 'ok':
          return { kind: 'authenticated', principal: result.principal };
        case 'expired':
          return {
            kind: 'rejected',
            error: new MlgateError('MLGATE_AUTH_TOKEN_EXPIRED', undefined),
            username: parsed.username,
          };
        case 'outdated':
          return {
            kind: 'rejected',
            error: new MlgateError('MLGATE_AUTH_TOKEN_OUTDATED', undefined),
            username: parsed.username,
          };
        case 'invalid':
          return {
            kind: 'rejected',
            error: new MlgateError('MLGATE_AUTH_INVALID', undefined),
            username: parsed.username,
          };
      }
    },
  };
}

/** The Basic challenge (RFC 7617), naming the realm and UTF-8 credentials. */
export function basicChallenge(realm: string): string {
  return `Basic realm="${realm}", charset="UTF-8"`;
}
