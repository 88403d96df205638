/** The rules between the jwt.* options (pure): what bearer verification needs before mlgate may start. */
import type { ConfigProblem } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { algorithmProblem } from './algorithms.js';
import { bearerDiscoveryUrl } from './build.js';
import { providerUrlProblem } from './provider-url.js';

export function jwtConfigProblems(config: Pick<Config, 'jwt' | 'oidc'>): ConfigProblem[] {
  const { jwt } = config;
  const problems: ConfigProblem[] = [];
  for (const [path, value] of [
    ['jwt.discovery_url', jwt.discovery_url],
    ['jwt.jwks_uri', jwt.jwks_uri],
  ] as const) {
    const problem = value === '' ? null : providerUrlProblem(value);
    if (problem !== null) {
      problems.push({ path, message: problem, hint: 'e.g. https://idp.example.com/...' });
    }
  }
  const refused = jwt.algorithms.flatMap((alg) => {
    const problem = algorithmProblem(alg);
    return problem === null ? [] : [problem];
  });
  if (refused.length > 0) {
    problems.push({
      path: 'jwt.algorithms',
      message: refused.join('; '),
      hint: 'list asymmetric algorithms only, e.g. RS256,ES256',
    });
  }
  if (!jwt.enabled) {
    return problems;
  }
  if (jwt.audience.length === 0) {
    problems.push({
      path: 'jwt.audience',
      message:
        'must be set when jwt.enabled is true: without it a token issued for any other application would be accepted',
      hint: 'set OIDC_AUDIENCE (or MLGATE_JWT_AUDIENCE) to the audience of the access tokens meant for this gateway',
    });
  }
  if (jwt.algorithms.length === 0) {
    problems.push({
      path: 'jwt.algorithms',
      message: 'must not be empty when jwt.enabled is true',
      hint: 'e.g. RS256',
    });
  }
  if (bearerDiscoveryUrl(config) === '' && (jwt.issuer === '' || jwt.jwks_uri === '')) {
    problems.push({
      path: 'jwt.discovery_url',
      message: 'jwt.enabled needs the provider: a discovery URL, or both jwt.issuer and jwt.jwks_uri',
      hint: "set OIDC_DISCOVERY_URL (or MLGATE_JWT_DISCOVERY_URL) to the provider's .well-known/openid-configuration",
    });
  }
  return problems;
}
