import { expect } from 'chai';

import { resolveBearerProvider } from '../../../src/auth/bearer/build.js';
import { ConfigError, loadConfig } from '../../../src/config/load.js';
import { MlgateError } from '../../../src/errors.js';

const DEV = { MLGATE_SERVER_MODE: 'development' };

function problemsOf(env: Record<string, string>): { path: string; message: string }[] {
  try {
    loadConfig({ env: { ...DEV, ...env } });
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).problems.map(({ path, message }) => ({ path, message }));
  }
  return [];
}

describe('JWT bearer and proxy header options', () => {
  it('are off by default, with asymmetric algorithms and email, preferred_username', () => {
    const { config } = loadConfig({ env: DEV });
    expect(config.jwt.enabled).to.equal(false);
    expect(config.proxy_auth.enabled).to.equal(false);
    expect(config.jwt.algorithms).to.not.include('HS256');
    expect(config.oidc.username_claims).to.deep.equal(['email', 'preferred_username']);
  });

  it("accept mlflow-oidc-auth's variable names", () => {
    const { config } = loadConfig({
      env: {
        ...DEV,
        MLGATE_JWT_ENABLED: 'true',
        OIDC_DISCOVERY_URL: 'https://idp.example/.well-known/openid-configuration',
        OIDC_AUDIENCE: 'mlflow-api',
        OIDC_ISSUER: 'https://idp.example',
        OIDC_USERNAME_FIELD: 'preferred_username,email',
        OIDC_GROUPS_ATTRIBUTE: 'realm_access.roles',
        OIDC_PROVISION_ON_BEARER_AUTH: 'true',
        OIDC_TRUST_BEARER_GROUP_CLAIMS: 'true',
        OIDC_JWKS_CACHE_TTL_SECONDS: '300',
      },
    });
    expect(config.jwt).to.deep.include({
      enabled: true,
      audience: ['mlflow-api'],
      issuer: 'https://idp.example',
      provision_users: true,
      trust_group_claims: true,
      jwks_cache_max_age_s: 300,
    });
    // Usernames and groups of bearer tokens come from the claims browser login reads.
    expect(config.oidc).to.deep.include({
      discovery_url: 'https://idp.example/.well-known/openid-configuration',
      username_claims: ['preferred_username', 'email'],
      groups_attribute: 'realm_access.roles',
    });
  });

  it('refuse bearer without an audience or a provider', () => {
    const problems = problemsOf({ MLGATE_JWT_ENABLED: 'true' });
    expect(problems.map((p) => p.path)).to.deep.equal(['jwt.audience', 'jwt.discovery_url']);
    expect(problems[0]?.message).to.include('any other application');
  });

  it('fetch keys over https, or plain http only from this host', () => {
    const problems = problemsOf({
      MLGATE_JWT_DISCOVERY_URL: 'http://idp.example/.well-known/openid-configuration',
      MLGATE_JWT_JWKS_URI: 'ftp://idp.example/keys',
    });
    expect(problems.map((p) => p.path)).to.deep.equal(['jwt.discovery_url', 'jwt.jwks_uri']);
    expect(problems[0]?.message).to.include('must use https');
    for (const url of ['http://127.0.0.1:9000/d', 'http://localhost/d', 'http://[::1]:8/d', 'https://idp.example/d']) {
      expect(problemsOf({ MLGATE_JWT_DISCOVERY_URL: url }), url).to.deep.equal([]);
    }
  });

  it('never accept "none" or HMAC algorithms', () => {
    const problems = problemsOf({ MLGATE_JWT_ALGORITHMS: 'RS256,HS256,none' });
    expect(problems.map((p) => p.path)).to.deep.equal(['jwt.algorithms']);
    expect(problems[0]?.message).to.include('HS256 is an HMAC').and.include('"none" means unsigned');
  });

  it('refuse proxy headers without a list of trusted proxies, with a clear message', () => {
    const problems = problemsOf({ MLGATE_PROXY_AUTH_ENABLED: 'true' });
    expect(problems).to.have.length(1);
    expect(problems[0]?.path).to.equal('proxy_auth.trusted_proxies');
    expect(problems[0]?.message).to.include('anyone who can reach mlgate could claim any identity');
  });

  it('refuse entries proxy-addr cannot read, and headers that cannot carry an identity', () => {
    const problems = problemsOf({
      MLGATE_PROXY_AUTH_ENABLED: 'true',
      MLGATE_PROXY_AUTH_TRUSTED_PROXIES: '10.0.0.0/8,10.0.0.300,proxy.local',
      MLGATE_PROXY_AUTH_USER_HEADERS: 'Authorization',
    });
    expect(problems.map((p) => p.path)).to.deep.equal(['proxy_auth.trusted_proxies', 'proxy_auth.user_headers']);
    expect(problems[0]?.message).to.include('"10.0.0.300"').and.include('"proxy.local"');
    const ok = loadConfig({
      env: { ...DEV, MLGATE_PROXY_AUTH_ENABLED: 'true', MLGATE_PROXY_AUTH_TRUSTED_PROXIES: '127.0.0.1/32' },
    });
    expect(ok.config.proxy_auth.trusted_proxies).to.deep.equal(['127.0.0.1/32']);
  });

  it('resolve the provider from directly configured values without fetching, and fail start-up when discovery fails', async () => {
    const { config } = loadConfig({
      env: {
        ...DEV,
        MLGATE_JWT_ENABLED: 'true',
        MLGATE_JWT_AUDIENCE: 'a',
        MLGATE_JWT_ISSUER: 'https://idp.example',
        MLGATE_JWT_JWKS_URI: 'https://idp.example/keys',
      },
    });
    const refuse = () => Promise.reject(new Error('no fetch expected'));
    expect(await resolveBearerProvider(config, refuse)).to.deep.equal({
      issuer: 'https://idp.example',
      jwksUri: 'https://idp.example/keys',
    });
    expect(await resolveBearerProvider(loadConfig({ env: DEV }).config, refuse)).to.equal(null);
    const discovering = loadConfig({
      env: {
        ...DEV,
        MLGATE_JWT_ENABLED: 'true',
        MLGATE_JWT_AUDIENCE: 'a',
        OIDC_DISCOVERY_URL: 'https://idp.example/d', // browser login's provider, read for bearer too
      },
    }).config;
    const failure = await resolveBearerProvider(discovering, refuse).catch((e: unknown) => e);
    expect(failure).to.be.instanceOf(MlgateError);
    expect((failure as MlgateError).message).to.include('https://idp.example/d');
  });
});
