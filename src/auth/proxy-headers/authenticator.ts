/**
 * Trusted proxy headers (oauth2-proxy or another authenticating proxy in front of mlgate): a request whose TCP
 * peer is in proxy_auth.trusted_proxies is the user its identity headers name. The same headers from any other
 * peer are ignored (and logged); they never reach MLflow either way (the forwarder strips them). Users are
 * created on first use unless proxy_auth.provision_users is off; the proxy's groups count for the request, with
 * the stored ones.
 */
import { MlgateError } from '../../errors.js';
import { userPrincipal } from '../effective-groups.js';
import type { ExternalUsers } from '../external-users.js';
import type { Authenticator } from '../principal.js';
import { rawHeaderValues } from '../../http/raw-headers.js';
import { type IdentityHeaderNames, presentIdentityHeaders, readAssertedIdentity } from './identity-headers.js';
import type { PeerTrust } from './trusted-peers.js';
import type { UntrustedHeaderWarnings } from './untrusted-warnings.js';

export interface ProxyHeadersAuthenticatorDeps {
  readonly isTrusted: PeerTrust;
  readonly names: IdentityHeaderNames;
  readonly users: ExternalUsers;
  readonly warnings: UntrustedHeaderWarnings;
}

export function createProxyHeadersAuthenticator(deps: ProxyHeadersAuthenticatorDeps): Authenticator {
  return {
    name: 'proxy',
    challenge: null,
    async authenticate(request) {
      if (!deps.isTrusted(request.peerAddress)) {
        const present = presentIdentityHeaders(request.rawHeaders, deps.names);
        if (present.length > 0) {
          const userHeader = deps.names.userHeaders.find((name) => present.includes(name.toLowerCase()));
          const claimed = userHeader === undefined ? undefined : rawHeaderValues(request.rawHeaders, userHeader)[0];
          deps.warnings.warn(request.peerAddress, present, claimed);
        }
        return { kind: 'not-mine' };
      }
      // The refusals below are thrown rather than returned as rejected credentials: the trusted proxy asserts the
      // identity, nobody is guessing a secret, so they must not count towards failed-credential throttling (every
      // user behind the proxy shares its address).
      const asserted = readAssertedIdentity(request.rawHeaders, deps.names);
      switch (asserted.kind) {
        case 'none':
          return { kind: 'not-mine' };
        case 'duplicated':
          throw new MlgateError('MLGATE_PROXY_HEADER_DUPLICATED', undefined, { details: { header: asserted.header } });
        case 'invalid-user':
          throw new MlgateError('MLGATE_PROXY_USER_INVALID', undefined, { details: { header: asserted.header } });
        case 'user':
          break;
      }
      const user = await deps.users.find(asserted.username);
      if (user === null) {
        throw new MlgateError('MLGATE_PROXY_UNKNOWN_USER', undefined, { details: { username: asserted.username } });
      }
      return {
        kind: 'authenticated',
        principal: userPrincipal(user, 'proxy', { groups: asserted.groups }),
      };
    },
  };
}
