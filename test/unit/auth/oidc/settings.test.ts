import { expect } from 'chai';

import { type ConfigError, loadConfig } from '../../../../src/config/load.js';
import { loadOidcSettings, parseScope, secretEnvName } from '../../../../src/auth/oidc/settings.js';

const SECRET = 'x'.repeat(40);

function settings(env: Record<string, string>, files: Record<string, string> = {}) {
  const { config } = loadConfig({ env: { SECRET_KEY: SECRET, ...env } });
  return loadOidcSettings(config, {
    env,
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) {
        throw new Error(`ENOENT: no such file ${path}`);
      }
      return text;
    },
  });
}

function problems(env: Record<string, string>, files: Record<string, string> = {}): string[] {
  try {
    settings(env, files);
  } catch (error) {
    return (error as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  expect.fail('expected configuration problems');
}

describe('browser login settings', () => {
  const base = {
    OIDC_DISCOVERY_URL: 'https://idp.example.org/.well-known/openid-configuration',
    OIDC_CLIENT_ID: 'mlgate',
    OIDC_CLIENT_SECRET: 's3cret',
  };

  it('are off when no discovery URL and no providers file is configured', () => {
    expect(settings({})).to.equal(null);
  });

  it('take the provider from the mlflow-oidc-auth variables, with the defaults', () => {
    const result = settings({ ...base, OIDC_SCOPE: 'openid,email , profile groups', OIDC_GROUP_NAME: 'ml,team' });
    expect(result?.providers).to.deep.equal([
      {
        id: 'oidc',
        displayName: 'Login with OIDC',
        discoveryUrl: base.OIDC_DISCOVERY_URL,
        clientId: 'mlgate',
        clientSecret: 's3cret',
        scope: 'openid email profile groups',
        usernameClaims: ['email', 'preferred_username'],
        groupsAttribute: 'groups',
        userinfoGroups: false,
      },
    ]);
    expect(result).to.deep.include({
      redirectUri: '/callback',
      callbackPath: '/callback',
      allowedGroups: ['ml', 'team'],
      adminGroups: ['mlflow-admin'],
    });
  });

  it('read the groups attribute, username claims and userinfo switch', () => {
    const provider = settings({
      ...base,
      OIDC_GROUPS_ATTRIBUTE: 'realm_access.roles',
      OIDC_USERNAME_FIELD: 'preferred_username',
      OIDC_USERINFO_GROUPS: 'true',
    })?.providers[0];
    expect(provider).to.deep.include({
      groupsAttribute: 'realm_access.roles',
      usernameClaims: ['preferred_username'],
      userinfoGroups: true,
    });
  });

  it('take the path of an absolute redirect URI as the callback path', () => {
    expect(settings({ ...base, OIDC_REDIRECT_URI: 'https://mlflow.example.org/auth/callback' })).to.deep.include({
      redirectUri: 'https://mlflow.example.org/auth/callback',
      callbackPath: '/auth/callback',
    });
  });

  it('accept plain http only for a provider on this host', () => {
    expect(
      settings({ ...base, OIDC_DISCOVERY_URL: 'http://127.0.0.1:9000/.well-known/openid-configuration' }),
    ).to.not.equal(null);
    expect(settings({ ...base, OIDC_DISCOVERY_URL: 'http://localhost:9000/x' })).to.not.equal(null);
    // (MLGATE_OIDC_DISCOVERY_URL: the loader checks OIDC_DISCOVERY_URL for bearer tokens too.)
    expect(problems({ OIDC_CLIENT_ID: 'mlgate', MLGATE_OIDC_DISCOVERY_URL: 'http://idp.example.org/x' })).to.deep.equal(
      ['oidc.discovery_url: must use https (plain http only for a provider on this host)'],
    );
  });

  it('list every problem of the oidc options at once', () => {
    expect(
      problems({ MLGATE_OIDC_DISCOVERY_URL: 'not a url', OIDC_SCOPE: 'email profile', OIDC_REDIRECT_URI: '//evil/cb' }),
    ).to.have.members([
      'oidc.discovery_url: is not a valid URL',
      'oidc.client_id: must not be empty',
      'oidc.scope: must include openid',
      'oidc.redirect_uri: must be a path starting with "/" (no query) or an absolute URL',
    ]);
  });

  it('refuse a callback path the gateway or MLflow serves', () => {
    for (const uri of ['/', '/_mlgate/login/cb', '/api/2.0/cb', 'https://x.example/ajax-api/cb']) {
      expect(problems({ ...base, OIDC_REDIRECT_URI: uri }).join(), uri).to.include(
        'is taken by the gateway or by MLflow',
      );
    }
    expect(problems({ ...base, OIDC_REDIRECT_URI: 'javascript:alert(1)' })).to.deep.equal([
      'oidc.redirect_uri: is neither a path nor a valid http(s) URL',
    ]);
  });

  describe('the providers file', () => {
    const yaml = `
providers:
  - id: keycloak
    display_name: Keycloak
    discovery_url: https://kc.example.org/realms/ml/.well-known/openid-configuration
    client_id: mlgate
    groups_attribute: realm_access.roles
  - id: entra
    discovery_url: https://login.example.com/tenant/v2.0/.well-known/openid-configuration
    client_id: abc
    client_secret: inline
    scope: openid,email
    username_claims: preferred_username
    userinfo_groups: true
`;

    it('adds its providers after the one of the oidc options, secrets from OIDC_CLIENT_SECRET_<ID> first', () => {
      const result = settings(
        { ...base, AUTH_PROVIDERS_FILE: '/etc/providers.yaml', OIDC_CLIENT_SECRET_KEYCLOAK: 'from-env' },
        { '/etc/providers.yaml': yaml },
      );
      expect(result?.providers.map((p) => p.id)).to.deep.equal(['oidc', 'keycloak', 'entra']);
      expect(result?.providers[1]).to.deep.include({
        displayName: 'Keycloak',
        clientSecret: 'from-env',
        groupsAttribute: 'realm_access.roles',
        scope: 'openid email profile',
      });
      expect(result?.providers[2]).to.deep.include({
        displayName: 'entra',
        clientSecret: 'inline',
        scope: 'openid email',
        usernameClaims: ['preferred_username'],
        userinfoGroups: true,
      });
      expect(secretEnvName('my-idp.1')).to.equal('OIDC_CLIENT_SECRET_MY_IDP_1');
    });

    it('may be JSON, a bare list, and the only source of providers', () => {
      const json = JSON.stringify([{ id: 'one', discovery_url: 'https://a.example/x', client_id: 'c' }]);
      const result = settings({ AUTH_PROVIDERS_FILE: 'p.json' }, { 'p.json': json });
      expect(result?.providers.map((p) => p.id)).to.deep.equal(['one']);
    });

    it('lists every problem of every entry', () => {
      const bad = `
- id: Bad Id
  discovery_url: ftp://x
  client_id: ''
  colour: blue
- id: ok
  discovery_url: https://a.example/x
  client_id: c
  scope: email
  userinfo_groups: "yes"
- id: ok
  discovery_url: https://b.example/x
  client_id: c
`;
      expect(problems({ AUTH_PROVIDERS_FILE: 'p.yaml' }, { 'p.yaml': bad })).to.have.members([
        'oidc.providers_file (p.yaml): 0.id: must be 1-64 lower-case letters, digits, - or _, starting with a letter or digit',
        'oidc.providers_file (p.yaml): 0.discovery_url: must use https (plain http only for a provider on this host)',
        'oidc.providers_file (p.yaml): 0.client_id: must not be empty',
        'oidc.providers_file (p.yaml): 0: Unrecognized key: "colour"',
        'oidc.providers_file (p.yaml): 1.scope: must include openid',
        'oidc.providers_file (p.yaml): 1.userinfo_groups: Invalid input: expected boolean, received string',
      ]);
    });

    it('refuses a provider id used twice, and an unreadable file', () => {
      const twice = JSON.stringify([{ id: 'oidc', discovery_url: 'https://a.example/x', client_id: 'c' }]);
      expect(problems({ ...base, AUTH_PROVIDERS_FILE: 'p.json' }, { 'p.json': twice })).to.deep.equal([
        'oidc.providers_file: provider id "oidc" is used twice',
      ]);
      expect(problems({ AUTH_PROVIDERS_FILE: 'missing.yaml' })[0]).to.match(
        /^oidc.providers_file \(missing.yaml\): cannot be read: ENOENT/,
      );
    });
  });

  it('split scopes on spaces and commas', () => {
    expect(parseScope(' openid,email  profile,,openid ')).to.deep.equal(['openid', 'email', 'profile']);
  });
});
