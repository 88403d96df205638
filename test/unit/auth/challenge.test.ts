import { expect } from 'chai';

import { challengeFor, isBrowserNavigation } from '../../../src/auth/challenge.js';
import { MlgateError } from '../../../src/errors.js';

const both = { challenges: ['Bearer realm="m"', 'Basic realm="m", charset="UTF-8"'], loginPath: '/_mlgate/login' };
const navigation = {
  method: 'GET',
  originalUrl: '/#/experiments/1?x=1&y=2',
  headers: { 'sec-fetch-mode': 'navigate', accept: 'text/html,application/xhtml+xml' },
};

describe('challenge: 401 with challenges, or 302 to log in', () => {
  it('sends a browser navigation without credentials to log in, returning to the page asked for', () => {
    const error = challengeFor(new MlgateError('MLGATE_AUTH_REQUIRED'), navigation, both);
    expect(error).to.include({ code: 'MLGATE_LOGIN_REQUIRED', status: 302 });
    expect(error.headers['Location']).to.equal('/_mlgate/login?rd=' + encodeURIComponent('/#/experiments/1?x=1&y=2'));
  });

  it('never redirects an API client: a fetch, a POST, a client that sent credentials, or no Accept: text/html', () => {
    const apiClients = [
      { ...navigation, headers: { 'sec-fetch-mode': 'cors', accept: 'text/html' } },
      { ...navigation, method: 'POST' },
      { ...navigation, headers: { ...navigation.headers, authorization: 'Basic eDp5' } },
      { ...navigation, headers: { accept: 'application/json' } },
      { ...navigation, headers: {} },
    ];
    for (const request of apiClients) {
      expect(isBrowserNavigation(request), JSON.stringify(request)).to.be.false;
      const error = challengeFor(new MlgateError('MLGATE_AUTH_REQUIRED'), request, both);
      expect(error.status).to.equal(401);
      expect(error.headers['WWW-Authenticate']).to.deep.equal(both.challenges);
    }
  });

  it('treats a browser without Fetch Metadata that asks for HTML as a navigation', () => {
    expect(isBrowserNavigation({ ...navigation, headers: { accept: 'text/html,*/*' } })).to.be.true;
  });

  it('answers a rejected credential with 401 and every challenge, even for a navigation', () => {
    const error = challengeFor(new MlgateError('MLGATE_AUTH_INVALID'), navigation, both);
    expect(error).to.include({ code: 'MLGATE_AUTH_INVALID', status: 401 });
    expect(error.headers['WWW-Authenticate']).to.deep.equal(both.challenges);
  });

  it('answers 401 with challenges when browser login is not configured', () => {
    const error = challengeFor(new MlgateError('MLGATE_AUTH_REQUIRED'), navigation, { ...both, loginPath: null });
    expect(error).to.include({ code: 'MLGATE_AUTH_REQUIRED', status: 401 });
  });

  it('leaves other errors alone', () => {
    const denied = new MlgateError('MLGATE_PERMISSION_DENIED');
    expect(challengeFor(denied, navigation, both)).to.equal(denied);
  });
});
