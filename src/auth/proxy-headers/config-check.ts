/** The rules between the proxy_auth.* options (pure): this mode never starts without a list of trusted proxies. */
import type { ConfigProblem } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { invalidTrustedPeers } from './trusted-peers.js';

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
// Headers that carry something else than an identity asserted by the proxy.
const RESERVED = new Set(['authorization', 'cookie', 'host', 'content-type', 'content-length', 'x-forwarded-for']);

export function proxyAuthConfigProblems(proxy: Config['proxy_auth']): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const invalid = invalidTrustedPeers(proxy.trusted_proxies);
  if (invalid.length > 0) {
    problems.push({
      path: 'proxy_auth.trusted_proxies',
      message: invalid
        .map(({ entry, problem }) => `"${entry}" is not an IP address or CIDR range (${problem})`)
        .join('; '),
      hint: 'e.g. 10.0.0.5, 10.1.0.0/16, fd00::/8 or loopback',
    });
  }
  const unusable = (names: readonly string[]): string[] =>
    names.filter((name) => !HEADER_NAME.test(name) || RESERVED.has(name.toLowerCase()));
  for (const [path, names] of [
    ['proxy_auth.user_headers', unusable(proxy.user_headers)],
    ['proxy_auth.groups_header', unusable(proxy.groups_header === '' ? [] : [proxy.groups_header])],
  ] as const) {
    if (names.length > 0) {
      problems.push({
        path,
        message: `${names.map((name) => `"${name}"`).join(', ')} cannot carry an identity`,
        hint: 'name headers the proxy sets for the identity, e.g. X-Forwarded-Email',
      });
    }
  }
  if (!proxy.enabled) {
    return problems;
  }
  if (proxy.trusted_proxies.length === 0) {
    problems.push({
      path: 'proxy_auth.trusted_proxies',
      message:
        'must list the proxies when proxy_auth.enabled is true: otherwise anyone who can reach mlgate could claim ' +
        'any identity with a header',
      hint: 'set MLGATE_PROXY_AUTH_TRUSTED_PROXIES to the address or CIDR range of the proxy, e.g. 10.0.0.5/32',
    });
  }
  if (proxy.user_headers.length === 0) {
    problems.push({
      path: 'proxy_auth.user_headers',
      message: 'must name at least one header when proxy_auth.enabled is true',
      hint: 'e.g. X-Forwarded-Email',
    });
  }
  return problems;
}
