/**
 * HTTP Basic with access tokens: what the MLflow client sends when
 * MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD are set.
 */
import { MlgateError } from '../errors.js';
import { parseAuthorization } from './basic-header.js';
import type { CredentialVerifier } from './credentials.js';
import type { Authenticator } from './principal.js';

export function createBasicAuthenticator(deps: {
  readonly verifier: CredentialVerifier;
  readonly realm: string;
}): Authenticator {
  const challenge = { 'WWW-Authenticate': `Basic realm="${deps.realm}", charset="UTF-8"` };
  return {
    name: 'basic',
    async authenticate(request) {
      const parsed = parseAuthorization(request.headers['authorization']);
      if (parsed.kind === 'none' || parsed.kind === 'other') {
        return { kind: 'not-mine' };
      }
      if (parsed.kind === 'malformed') {
        return {
          kind: 'rejected',
          error: new MlgateError('MLGATE_AUTH_MALFORMED', undefined, {
            headers: challenge,
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
            error: new MlgateError('MLGATE_AUTH_TOKEN_EXPIRED', undefined, { headers: challenge }),
            username: parsed.username,
          };
        case 'outdated':
          return {
            kind: 'rejected',
            error: new MlgateError('MLGATE_AUTH_TOKEN_OUTDATED', undefined, { headers: challenge }),
            username: parsed.username,
          };
        case 'invalid':
          return {
            kind: 'rejected',
            error: new MlgateError('MLGATE_AUTH_INVALID', undefined, { headers: challenge }),
            username: parsed.username,
          };
      }
    },
  };
}
