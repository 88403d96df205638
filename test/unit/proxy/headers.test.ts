import { expect } from 'chai';

import { isStrippedHeader, upstreamHeaders } from '../../../src/proxy/headers.js';

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

  it('match header names case-insensitively', () => {
    expect(isStrippedHeader('X-Forwarded-User')).to.be.true;
    expect(isStrippedHeader('Authorization')).to.be.true;
    expect(isStrippedHeader('Content-Length')).to.be.false;
  });
});
