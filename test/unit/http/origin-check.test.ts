import { expect } from 'chai';

import { crossSiteReason, needsOriginCheck } from '../../../src/http/origin-check.js';

const post = (headers: Record<string, string>, secure = false) => ({
  method: 'POST',
  headers: { host: 'mlflow.example.com', ...headers },
  secure,
});

describe('origin check for cookie sessions (CSRF)', () => {
  it('lets safe methods through whatever their origin', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      expect(crossSiteReason({ ...post({ origin: 'https://evil.example' }), method }, [])).to.be.null;
    }
  });

  it("accepts the gateway's own origin, with the scheme the request came over", () => {
    expect(crossSiteReason(post({ origin: 'http://mlflow.example.com' }), [])).to.be.null;
    expect(crossSiteReason(post({ origin: 'https://mlflow.example.com' }, true), [])).to.be.null;
    expect(crossSiteReason(post({ origin: 'https://mlflow.example.com' }, false), [])).to.be.a('string');
  });

  it('refuses another origin, a null origin and a look-alike host', () => {
    for (const origin of ['https://evil.example', 'null', 'http://mlflow.example.com.evil.example']) {
      expect(crossSiteReason(post({ origin }), []), origin).to.be.a('string');
    }
  });

  it('accepts a configured origin', () => {
    expect(crossSiteReason(post({ origin: 'https://ml.corp' }), ['https://ml.corp/'])).to.be.null;
  });

  it('falls back to Sec-Fetch-Site, then the Referer, and refuses a request that says nothing', () => {
    expect(crossSiteReason(post({ 'sec-fetch-site': 'same-origin' }), [])).to.be.null;
    expect(crossSiteReason(post({ 'sec-fetch-site': 'cross-site' }), [])).to.be.a('string');
    expect(crossSiteReason(post({ referer: 'http://mlflow.example.com/#/x' }), [])).to.be.null;
    expect(crossSiteReason(post({ referer: 'https://evil.example/' }), [])).to.be.a('string');
    expect(crossSiteReason(post({ referer: 'not a url' }), [])).to.be.a('string');
    expect(crossSiteReason(post({}), [])).to.include('neither');
  });
});

describe('which requests the origin check applies to', () => {
  it('every session request, and proxy-header or Basic requests a browser sent; never bearer', () => {
    expect(needsOriginCheck('session', {})).to.equal(true);
    expect(needsOriginCheck('proxy', { origin: 'https://evil.example' })).to.equal(true);
    expect(needsOriginCheck('proxy', { 'sec-fetch-site': 'cross-site' })).to.equal(true);
    expect(needsOriginCheck('proxy', { referer: 'https://evil.example/' })).to.equal(true);
    expect(needsOriginCheck('proxy', {}), 'the MLflow client through the proxy').to.equal(false);
    // A browser that answered the Basic prompt sends the credentials to any page's form by itself.
    expect(needsOriginCheck('basic', { origin: 'https://evil.example' })).to.equal(true);
    expect(needsOriginCheck('basic', { 'sec-fetch-site': 'cross-site' })).to.equal(true);
    expect(needsOriginCheck('basic', {}), 'the MLflow client with an access token').to.equal(false);
    expect(needsOriginCheck('bearer', { origin: 'https://evil.example' })).to.equal(false);
    expect(needsOriginCheck(undefined, { origin: 'https://evil.example' })).to.equal(false);
  });
});
