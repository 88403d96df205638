import { expect } from 'chai';

import { isStrippedHeader, upstreamHeaders, withoutCookies } from '../../../src/proxy/headers.js';

describe('headers sent to MLflow', () => {
  it('drop client credentials and identity claims, and add the request id', () => {
    const headers = upstreamHeaders(
      {
        authorization: 'Basic x',
        'x-forwarded-user': 'admin',
        'x-forwarded-email': 'admin@example.com',
        'x-forwarded-groups': 'mlflow-admin',
        'x-auth-request-user': 'admin',
        'x-mlgate-user': 'admin',
        'remote-user': 'admin',
        'x-forwarded-for': '1.2.3.4',
        forwarded: 'for=1.2.3.4',
        'x-forwarded-prefix': '/evil',
        'x-forwarded-ssl': 'on',
        'content-type': 'application/json',
        'x-mlflow-workspace': 'team',
        accept: '*/*',
      },
      'req-1',
    );
    expect(headers).to.deep.equal({
      'content-type': 'application/json',
      'x-mlflow-workspace': 'team',
      accept: '*/*',
      'x-mlgate-request-id': 'req-1',
    });
  });

  it("name the client the gateway established as the first X-Forwarded-For, never the client's own claim", () => {
    const headers = upstreamHeaders(
      { 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1' },
      'req-2',
      undefined,
      undefined,
      undefined,
      '203.0.113.9',
    );
    expect(headers).to.deep.equal({ 'x-mlgate-request-id': 'req-2', 'x-forwarded-for': '203.0.113.9' });
  });

  it("drop the AI gateway's guardrail bypass header", () => {
    expect(isStrippedHeader('X-MLflow-Guardrail-Bypass')).to.be.true;
  });

  it('match header names case-insensitively', () => {
    expect(isStrippedHeader('X-Forwarded-User')).to.be.true;
    expect(isStrippedHeader('Authorization')).to.be.true;
    expect(isStrippedHeader('Content-Length')).to.be.false;
  });

  it('drop every header whose name has an underscore, which WSGI would read as the dashed name', () => {
    const headers = upstreamHeaders(
      {
        'x-forwarded_user': 'admin',
        remote_user: 'admin',
        'x-mlflow_workspace': 'team',
        x_mlgate_request_id: 'forged',
        'content-type': 'application/json',
      },
      'req-2',
    );
    expect(headers).to.deep.equal({ 'content-type': 'application/json', 'x-mlgate-request-id': 'req-2' });
  });

  it('replay a body the gateway read with its length, never chunked', () => {
    const headers = upstreamHeaders(
      { 'transfer-encoding': 'chunked', 'content-type': 'application/json' },
      'req-3',
      17,
    );
    expect(headers).to.deep.equal({
      'content-type': 'application/json',
      'content-length': '17',
      'x-mlgate-request-id': 'req-3',
    });
    expect(upstreamHeaders({ 'content-length': '999' }, 'req-4', 0)['content-length']).to.equal('0');
  });

  it('leave a streamed body as the client framed it', () => {
    expect(upstreamHeaders({ 'transfer-encoding': 'chunked' }, 'req-5')).to.deep.equal({
      'transfer-encoding': 'chunked',
      'x-mlgate-request-id': 'req-5',
    });
  });
});

describe('hop-by-hop headers', () => {
  it('are never passed to MLflow, including every header the Connection header names', () => {
    const headers = upstreamHeaders(
      {
        trailer: 'x',
        te: 'trailers',
        'keep-alive': 'timeout=5',
        upgrade: 'h2c',
        'proxy-connection': 'keep-alive',
        connection: 'keep-alive, X-Secret-Hop, Upgrade',
        'x-secret-hop': '1',
        'content-type': 'application/json',
      },
      'req-6',
      2,
    );
    expect(headers).to.deep.equal({
      'content-type': 'application/json',
      'content-length': '2',
      'x-mlgate-request-id': 'req-6',
    });
  });
});

describe("the gateway's own cookies", () => {
  const own = new Set(['mlgate_session', 'mlgate_session.sig', 'mlgate_login', 'mlgate_login.sig']);

  it('are never passed to MLflow; other cookies are', () => {
    const headers = upstreamHeaders(
      { cookie: 'theme=dark; mlgate_session=abc; mlgate_session.sig=def;mlgate_login=x; other=1' },
      'req-7',
      undefined,
      undefined,
      own,
    );
    expect(headers['cookie']).to.equal('theme=dark; other=1');
  });

  it('drop the Cookie header when nothing else is left, and leave look-alike names alone', () => {
    expect(upstreamHeaders({ cookie: 'mlgate_session=abc' }, 'req-8', undefined, undefined, own)).not.to.have.property(
      'cookie',
    );
    expect(withoutCookies('mlgate_session_x=1; xmlgate_session=2', own)).to.equal(
      'mlgate_session_x=1; xmlgate_session=2',
    );
  });
});
