import { expect } from 'chai';

import { MlgateError } from '../../../src/errors.js';
import {
  FIRST_PAGE,
  PAGE_TOKEN_TTL_MS,
  type PagePosition,
  type SearchBinding,
  createPageTokens,
  derivePageTokenKey,
} from '../../../src/mlflow/page-token.js';

const KEY = derivePageTokenKey('a session secret key of at least 32 characters');
const NOW = new Date('2026-11-28T12:00:00Z');
const BINDING: SearchBinding = {
  username: 'alice',
  filter: "tags.team = 'a'",
  orderBy: ['name ASC'],
  viewType: 'ACTIVE_ONLY',
  maxResults: 10,
};
const POSITION: PagePosition = { upstream: 'eyJvZmZzZXQiOiAxMDAwfQ==', skip: 7 };

function refusal(action: () => unknown): MlgateError {
  try {
    action();
  } catch (error) {
    expect(error).to.be.instanceOf(MlgateError);
    expect((error as MlgateError).code).to.equal('MLGATE_REQUEST_INVALID');
    expect((error as MlgateError).message).to.match(/Restart the search without page_token\.$/);
    return error as MlgateError;
  }
  return expect.fail('expected the token to be refused');
}

describe('page tokens', () => {
  const tokens = createPageTokens({ key: KEY });

  it('round-trips a position', () => {
    for (const position of [
      POSITION,
      FIRST_PAGE,
      { upstream: null, skip: 3 },
      { upstream: 'x'.repeat(500), skip: 0 },
    ]) {
      expect(tokens.resume(tokens.issue(position, BINDING, NOW), BINDING, NOW)).to.deep.equal(position);
    }
  });

  it('starts at the first page without a token', () => {
    expect(tokens.resume(undefined, BINDING, NOW)).to.deep.equal(FIRST_PAGE);
    expect(tokens.resume('', BINDING, NOW)).to.deep.equal(FIRST_PAGE);
  });

  it("does not show MLflow's token or the position, and has one length for every ordinary position", () => {
    const issued = [
      tokens.issue(POSITION, BINDING, NOW),
      tokens.issue({ upstream: null, skip: 0 }, BINDING, NOW),
      tokens.issue({ upstream: 'eyJvZmZzZXQiOiAxMjM0NTY3ODl9', skip: 49_999 }, BINDING, NOW),
    ];
    for (const token of issued) {
      expect(token).to.match(/^mlg2\.[A-Za-z0-9_-]+$/);
      expect(token).not.to.contain(POSITION.upstream);
      expect(Buffer.from(token.slice(5), 'base64url').toString('latin1')).not.to.match(/offset|\{"u":/);
      expect(token.length).to.equal(issued[0]?.length);
    }
    // Two tokens for the same position differ (a fresh IV each time).
    expect(tokens.issue(POSITION, BINDING, NOW)).not.to.equal(issued[0]);
  });

  it('refuses a token with any byte changed', () => {
    const token = tokens.issue(POSITION, BINDING, NOW);
    const bytes = Buffer.from(token.slice(5), 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const tampered = Buffer.from(bytes);
      tampered[i] = (tampered[i] as number) ^ 0x01;
      refusal(() => tokens.resume(`mlg2.${tampered.toString('base64url')}`, BINDING, NOW));
    }
    refusal(() => tokens.resume(`${token}A`, BINDING, NOW));
    refusal(() => tokens.resume(token.slice(0, -4), BINDING, NOW));
    refusal(() => tokens.resume(`${token.slice(0, 20)}!${token.slice(20)}`, BINDING, NOW));
  });

  it('refuses a token sealed with another key', () => {
    const other = createPageTokens({ key: derivePageTokenKey('another session secret key, also 32+ chars') });
    refusal(() => tokens.resume(other.issue(POSITION, BINDING, NOW), BINDING, NOW));
    const random = createPageTokens({ key: derivePageTokenKey('') });
    refusal(() => tokens.resume(random.issue(POSITION, BINDING, NOW), BINDING, NOW));
  });

  it('refuses a token of another user or another search', () => {
    const token = tokens.issue(POSITION, BINDING, NOW);
    const others: SearchBinding[] = [
      { ...BINDING, username: 'bob' },
      { ...BINDING, filter: "tags.team = 'b'" },
      { ...BINDING, filter: null },
      { ...BINDING, orderBy: ['name DESC'] },
      { ...BINDING, orderBy: [] },
      { ...BINDING, viewType: 'ALL' },
      { ...BINDING, viewType: null },
      { ...BINDING, maxResults: 11 },
    ];
    for (const other of others) {
      const error = refusal(() => tokens.resume(token, other, NOW));
      expect(error.message).to.contain('not issued by this gateway for this search');
    }
  });

  it('refuses tokens the gateway did not issue, MLflow tokens and the old readable ones included', () => {
    for (const token of [
      'eyJvZmZzZXQiOiAxfQ==',
      'mlg1.' + Buffer.from(JSON.stringify(['eyJvZmZzZXQiOiAxfQ==', 0])).toString('base64url'),
      'mlg2.',
      'mlg2.' + Buffer.alloc(12 + 128 + 16).toString('base64url'),
      'mlg2.!!!',
    ]) {
      refusal(() => tokens.resume(token, BINDING, NOW));
    }
  });

  it('expires a token after an hour by default, or the configured time', () => {
    const token = tokens.issue(POSITION, BINDING, NOW);
    const later = (ms: number) => new Date(NOW.getTime() + ms);
    expect(tokens.resume(token, BINDING, later(PAGE_TOKEN_TTL_MS - 1))).to.deep.equal(POSITION);
    const error = refusal(() => tokens.resume(token, BINDING, later(PAGE_TOKEN_TTL_MS)));
    expect(error.message).to.contain('expired');
    const short = createPageTokens({ key: KEY, ttlMs: 1000 });
    const shortToken = short.issue(POSITION, BINDING, NOW);
    expect(short.resume(shortToken, BINDING, later(999))).to.deep.equal(POSITION);
    refusal(() => short.resume(shortToken, BINDING, later(1000)));
  });
});

describe('page token key', () => {
  it('is derived from the secret key with HKDF under its own label, the same on every replica', () => {
    const secret = 'a session secret key of at least 32 characters';
    expect(derivePageTokenKey(secret)).to.deep.equal(KEY);
    expect(derivePageTokenKey(secret)).to.have.length(32);
    expect(derivePageTokenKey(secret).toString('latin1')).not.to.contain(secret.slice(0, 8));
    expect(derivePageTokenKey(`${secret}!`)).not.to.deep.equal(KEY);
  });

  it('is random for this process when the secret key is empty', () => {
    const random = Buffer.alloc(32, 7);
    expect(derivePageTokenKey('', () => random)).to.equal(random);
    expect(derivePageTokenKey('')).not.to.deep.equal(derivePageTokenKey(''));
  });

  it('must have 32 bytes', () => {
    expect(() => createPageTokens({ key: Buffer.alloc(16) })).to.throw('32 bytes');
  });
});
