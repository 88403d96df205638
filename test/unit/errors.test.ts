import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { expect } from 'chai';

import { ERROR_CATALOGUE, MlgateError, errorBody, toMlgateError } from '../../src/errors.js';
import { isSecretKey, redact } from '../../src/logging.js';
import { packageRoot } from '../../src/paths.js';

describe('error catalogue', () => {
  const docs = readFileSync(join(packageRoot(), 'docs', 'errors.md'), 'utf8');

  it('uses MLGATE_ codes, each documented in docs/errors.md', () => {
    for (const code of Object.keys(ERROR_CATALOGUE)) {
      expect(code).to.match(/^MLGATE_[A-Z_]+$/);
      expect(docs, `${code} in docs/errors.md`).to.include(`\`${code}\``);
    }
  });

  it('documents no code that does not exist', () => {
    const documented = [...docs.matchAll(/`(MLGATE_[A-Z_]+)`/g)].map((m) => m[1] as string);
    for (const code of documented) {
      expect(ERROR_CATALOGUE, code).to.have.property(code);
    }
  });

  it('gives every error a message that says what to do', () => {
    for (const [code, spec] of Object.entries(ERROR_CATALOGUE)) {
      expect(spec.message.length, code).to.be.greaterThan(20);
    }
  });

  it("renders errors in MLflow's format plus the mlgate code and request id", () => {
    const body = errorBody(new MlgateError('MLGATE_PERMISSION_DENIED', 'no', { details: { reasons: ['x'] } }), 'r-1');
    expect(body).to.deep.equal({
      error_code: 'PERMISSION_DENIED',
      message: 'no',
      code: 'MLGATE_PERMISSION_DENIED',
      request_id: 'r-1',
      details: { reasons: ['x'] },
    });
  });

  it('wraps foreign errors as MLGATE_INTERNAL without exposing their message', () => {
    const wrapped = toMlgateError(new Error('secret internals'));
    expect(wrapped.code).to.equal('MLGATE_INTERNAL');
    expect(wrapped.message).to.not.include('secret internals');
  });
});

describe('log redaction', () => {
  it('hides secret-named fields at any depth', () => {
    expect(
      redact({
        headers: { authorization: 'Basic x', cookie: 'c', accept: 'a' },
        password: 'p',
        client_secret: 's',
        nested: [{ access_token: 't' }],
        user: 'u',
      }),
    ).to.deep.equal({
      headers: { authorization: '[redacted]', cookie: '[redacted]', accept: 'a' },
      password: '[redacted]',
      client_secret: '[redacted]',
      nested: [{ access_token: '[redacted]' }],
      user: 'u',
    });
  });

  it('recognises secret names', () => {
    expect(isSecretKey('Authorization')).to.be.true;
    expect(isSecretKey('refresh_token')).to.be.true;
    expect(isSecretKey('token_id')).to.be.false;
  });
});
