/** Rules between options, checked once every value is read, and the warnings a valid configuration can still earn. */
import proxyAddr from 'proxy-addr';

import { jwtConfigProblems } from '../auth/bearer/config-check.js';
import { proxyAuthConfigProblems } from '../auth/proxy-headers/config-check.js';
import type { ConfigProblem } from './load.js';
import type { Config } from './schema.js';

/** Rules between options, checked once the values are known; every broken one is a problem. */
export function crossProblems(config: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (config.server.mode === 'production' && config.session.secret_key === '') {
    problems.push({
      path: 'session.secret_key',
      message: 'must be set in production mode (server.mode): it signs session cookies and keys access-token hashes',
      hint:
        'set SECRET_KEY (or MLGATE_SESSION_SECRET_KEY) to the same random value of 32+ characters on every replica, ' +
        'e.g. the output of "openssl rand -base64 48"; or set MLGATE_SERVER_MODE=development for a local trial',
    });
  }
  try {
    proxyAddr.compile([...config.server.trusted_proxies]);
  } catch (error) {
    problems.push({
      path: 'server.trusted_proxies',
      message: `is not a list of addresses or CIDR ranges: ${(error as Error).message}`,
      hint: 'e.g. [10.0.0.0/8, 127.0.0.1, loopback]',
    });
  }
  problems.push(...sourceOrderProblems(config.permissions.source_order));
  problems.push(...jwtConfigProblems(config), ...proxyAuthConfigProblems(config.proxy_auth));
  return problems;
}

/** The permission sources the policy knows (policies/mlgate/permissions). */
export const PERMISSION_SOURCES = ['user', 'group', 'regex', 'group-regex'] as const;

function sourceOrderProblems(order: readonly string[]): ConfigProblem[] {
  const known: readonly string[] = PERMISSION_SOURCES;
  const unknown = order.filter((source) => !known.includes(source));
  const repeated = order.filter((source, index) => order.indexOf(source) !== index);
  if (order.length > 0 && unknown.length === 0 && repeated.length === 0) {
    return [];
  }
  return [
    {
      path: 'permissions.source_order',
      message:
        order.length === 0
          ? 'is empty'
          : unknown.length > 0
            ? `names unknown source(s) ${unknown.map((s) => JSON.stringify(s)).join(', ')}`
            : `names ${repeated.map((s) => JSON.stringify(s)).join(', ')} more than once`,
      hint: `a comma-separated list of ${PERMISSION_SOURCES.join(', ')}, e.g. user,group,regex,group-regex`,
    },
  ];
}

/** What a configuration that loads may still do wrong, printed as warnings at start-up. */
export function warningsFor(config: Config): string[] {
  const warnings: string[] = [];
  if (config.session.secret_key === '') {
    warnings.push(
      'DEVELOPMENT MODE WITHOUT session.secret_key (SECRET_KEY): browser sessions and search page tokens use a ' +
        'random key per process (they break on restart and across replicas) and access tokens are hashed with a ' +
        'fixed, public development key. Never run a shared deployment like this: set a stable value of 32+ characters.',
    );
  }
  if (config.permissions.default !== 'NO_PERMISSIONS') {
    warnings.push(
      `permissions.default is ${config.permissions.default}: every authenticated user has at least this ` +
        'permission on every experiment without a grant.',
    );
  }
  if (config.auth.admin_groups.length === 0) {
    warnings.push('auth.admin_groups is empty: only users flagged as administrators in the store are administrators.');
  }
  return warnings;
}
