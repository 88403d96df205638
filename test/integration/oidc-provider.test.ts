/**
 * The OIDC provider fixture (scripts/oidc-provider.ts) is a real oidc-provider: discovery, the code flow with its
 * login form, ID tokens with the account's claims, client_credentials JWTs for the audience, RP-initiated logout,
 * and the signing key it hands out is the one it signs with.
 */
import { expect } from 'chai';
import { SignJWT, createLocalJWKSet, decodeJwt, importJWK, jwtVerify } from 'jose';
import * as oidc from 'openid-client';

import { type OidcProviderHandle, placeClaim, startOidcProvider } from '../../scripts/oidc-provider.js';

describe('the OIDC provider fixture', () => {
  let provider: OidcProviderHandle;

  before(async () => {
    provider = await startOidcProvider({
      redirectUris: ['http://127.0.0.1:1/callback'],
      postLogoutRedirectUris: ['http://127.0.0.1:1/_mlgate/signed-out'],
    });
  });

  after(async () => {
    await provider?.stop();
  });

  async function jwks(): Promise<ReturnType<typeof createLocalJWKSet>> {
    const discovery = (await (await fetch(provider.discoveryUrl)).json()) as { jwks_uri: string };
    return createLocalJWKSet((await (await fetch(discovery.jwks_uri)).json()) as { keys: [] });
  }

  it('publishes discovery with the code flow, PKCE S256, end_session and its signing key', async () => {
    const discovery = (await (await fetch(provider.discoveryUrl)).json()) as Record<string, unknown>;
    expect(discovery['issuer']).to.equal(provider.issuer);
    expect(discovery['response_types_supported']).to.include('code');
    expect(discovery['code_challenge_methods_supported']).to.deep.equal(['S256']);
    expect(discovery['end_session_endpoint']).to.equal(`${provider.issuer}/session/end`);
    expect(discovery['grant_types_supported']).to.include('client_credentials');
    const keys = (await (await fetch(String(discovery['jwks_uri']))).json()) as { keys: { kid: string; d?: string }[] };
    expect(keys.keys.map((k) => k.kid)).to.deep.equal([provider.signingKey.kid]);
    expect(keys.keys[0]?.d, 'the private part is never published').to.equal(undefined);
  });

  it('signs a user in through the login form and issues an ID token with their claims and groups', async () => {
    const tokens = await provider.userTokens('bob');
    const { payload } = await jwtVerify(tokens.idToken, await jwks(), {
      issuer: provider.issuer,
      audience: provider.clients.web.clientId,
    });
    expect(payload).to.include({ sub: 'bob', email: 'bob@example.org', preferred_username: 'bob', name: 'Bob User' });
    expect(payload['groups']).to.deep.equal(['mlflow', 'team-b']);
    const access = await jwtVerify(tokens.accessToken, await jwks(), {
      issuer: provider.issuer,
      audience: provider.audience,
    });
    expect(access.payload).to.include({ sub: 'bob', preferred_username: 'bob' });
    expect(access.payload['groups']).to.deep.equal(['mlflow', 'team-b']);
  });

  it('refuses a wrong password at the login form (no code is issued)', async () => {
    const config = await oidc.discovery(
      new URL(provider.issuer),
      provider.clients.web.clientId,
      provider.clients.web.clientSecret,
      undefined,
      {
        execute: [oidc.allowInsecureRequests],
      },
    );
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: 'http://127.0.0.1:1/callback',
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      state: 's',
    });
    let failure: unknown = null;
    try {
      await provider.signIn(url.toString(), { username: 'bob', password: 'wrong' });
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).to.match(/401.*Unknown username or wrong password/s);
    const back = await provider.signIn(url.toString(), { username: 'bob', password: 'bob-password' });
    expect(new URL(back).origin + new URL(back).pathname).to.equal('http://127.0.0.1:1/callback');
    expect(new URL(back).searchParams.get('code')).to.be.a('string');
    expect(new URL(back).searchParams.get('state')).to.equal('s');
  });

  it('issues client_credentials JWTs with the audience, signed with the exported key', async () => {
    const token = await provider.issueClientCredentialsToken();
    const { payload, protectedHeader } = await jwtVerify(token.accessToken, await jwks(), {
      issuer: provider.issuer,
      audience: provider.audience,
    });
    expect(protectedHeader.alg).to.equal('RS256');
    expect(protectedHeader.kid).to.equal(provider.signingKey.kid);
    expect(payload['client_id']).to.equal('mlgate-machine');
    expect(payload.exp).to.be.a('number');
    // The exported public key verifies it too, and the private key forges tokens the JWKS accepts.
    await jwtVerify(token.accessToken, await importJWK(provider.signingKey.publicJwk, 'RS256'));
    const forged = await new SignJWT({ sub: 'forged' })
      .setProtectedHeader({ alg: 'RS256', kid: provider.signingKey.kid })
      .setIssuer(provider.issuer)
      .setAudience(provider.audience)
      .setExpirationTime('1m')
      .sign(await importJWK(provider.signingKey.privateJwk, 'RS256'));
    expect((await jwtVerify(forged, await jwks())).payload.sub).to.equal('forged');
  });

  it('refuses client_credentials for an unknown resource and with a wrong secret', async () => {
    let failure: unknown = null;
    try {
      await provider.issueClientCredentialsToken({ resource: 'urn:other' });
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).to.include('invalid_target');
    failure = null;
    try {
      await provider.issueClientCredentialsToken({ clientSecret: 'wrong' });
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).to.include('invalid_client');
  });

  it('places groups under a nested claim or a claim name with colons', async () => {
    expect(placeClaim('realm_access.roles', ['a'])).to.deep.equal({ realm_access: { roles: ['a'] } });
    expect(placeClaim('urn:mlflow:groups', ['a'])).to.deep.equal({ 'urn:mlflow:groups': ['a'] });
    for (const claim of ['realm_access.roles', 'urn:mlflow:groups']) {
      const other = await startOidcProvider({ redirectUris: ['http://127.0.0.1:1/callback'], groupsClaim: claim });
      try {
        const payload = decodeJwt((await other.userTokens('ada')).idToken);
        expect(payload['groups'], claim).to.equal(undefined);
        const expected = claim === 'realm_access.roles' ? payload['realm_access'] : payload['urn:mlflow:groups'];
        expect(expected, claim).to.deep.equal(
          claim === 'realm_access.roles' ? { roles: ['mlflow-admin', 'staff'] } : ['mlflow-admin', 'staff'],
        );
      } finally {
        await other.stop();
      }
    }
  });

  it('can keep groups out of the ID token, in the userinfo answer only', async () => {
    const other = await startOidcProvider({ redirectUris: ['http://127.0.0.1:1/callback'], groupsIn: 'userinfo' });
    try {
      const config = await oidc.discovery(
        new URL(other.issuer),
        other.clients.web.clientId,
        other.clients.web.clientSecret,
        undefined,
        {
          execute: [oidc.allowInsecureRequests],
        },
      );
      const verifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: 'http://127.0.0.1:1/callback',
        scope: 'openid email profile',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: 'x',
      });
      const back = await other.signIn(url.toString(), { username: 'bob', password: 'bob-password' });
      const tokens = await oidc.authorizationCodeGrant(config, new URL(back), {
        pkceCodeVerifier: verifier,
        expectedState: 'x',
      });
      expect(tokens.claims()?.['groups']).to.equal(undefined);
      const info = await oidc.fetchUserInfo(config, tokens.access_token, 'bob');
      expect(info['groups']).to.deep.equal(['mlflow', 'team-b']);
    } finally {
      await other.stop();
    }
  });
});
