import { expect } from 'chai';

import { errorPage, loginPage, signedOutPage } from '../../../../src/auth/oidc/pages.js';
import { MlgateError } from '../../../../src/errors.js';

describe('the login pages', () => {
  it('escape what they show: provider names, return targets, reasons from the provider', () => {
    const login = loginPage(
      '/_mlgate/login',
      [{ id: 'x', displayName: '<img src=x onerror=alert(1)>' }],
      '/"><script>',
    );
    expect(login.body).to.not.include('<img');
    expect(login.body).to.include('&#60;img src=x onerror=alert(1)&#62;');
    expect(login.body).to.include('href="/_mlgate/login/x?rd=%2F%22%3E%3Cscript%3E"');
    const refused = errorPage(new MlgateError('MLGATE_LOGIN_DENIED_BY_PROVIDER'), 'r-1', {
      reason: 'the provider answered access_denied (<script>alert(1)</script>)',
    });
    expect(refused.body).to.not.include('<script>alert');
    expect(refused.body).to.include('&#60;script&#62;alert(1)&#60;/script&#62;');
  });

  it('run only their own script, under a fresh nonce in a strict Content-Security-Policy', () => {
    const first = loginPage('/_mlgate/login', [{ id: 'a', displayName: 'A' }], '/');
    const second = loginPage('/_mlgate/login', [{ id: 'a', displayName: 'A' }], '/');
    const nonce = /script-src 'nonce-([^']+)'/.exec(first.headers['Content-Security-Policy'] ?? '')?.[1];
    expect(nonce).to.be.a('string');
    expect(first.body).to.include(`<script nonce="${nonce as string}">`);
    expect(second.headers['Content-Security-Policy']).to.not.include(nonce);
    expect(first.headers['Content-Security-Policy']).to.include("default-src 'none'");
    expect(first.headers).to.include({ 'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY' });
    expect(errorPage(new MlgateError('MLGATE_LOGIN_FAILED'), 'r').headers['Content-Security-Policy']).to.not.include(
      'script-src',
    );
  });

  it('continue at once with one provider, and let the user choose among several', () => {
    expect(loginPage('/_mlgate/login', [{ id: 'a', displayName: 'A' }], '/').body).to.include('<body data-continue>');
    const picker = loginPage(
      '/_mlgate/login',
      [
        { id: 'a', displayName: 'A' },
        { id: 'b', displayName: 'B' },
      ],
      '/x',
    );
    expect(picker.body).to.not.include('<body data-continue>');
    expect(picker.body).to.include('href="/_mlgate/login/b?rd=%2Fx"');
  });

  it('offer to try again except where it would only repeat (a refusal by group or username)', () => {
    expect(
      errorPage(new MlgateError('MLGATE_LOGIN_STATE_INVALID'), 'r', { retryHref: '/_mlgate/login?rd=%2Fx' }).body,
    ).to.include('href="/_mlgate/login?rd=%2Fx">Try again');
    const refused = errorPage(new MlgateError('MLGATE_LOGIN_GROUP_REQUIRED'), 'r', {
      requiredGroups: ['mlflow'],
      yourGroups: [],
    });
    expect(refused.status).to.equal(403);
    expect(refused.body).to.not.include('Try again');
    expect(refused.body).to.include('Your groups: none.');
    expect(signedOutPage('/_mlgate/login').body).to.include('href="/_mlgate/login">Log in again');
  });
});
