import { expect } from 'chai';

import {
  DEVELOPMENT_TOKEN_SECRET,
  createTokenHasher,
  deriveTokenKey,
  generateToken,
  parseDuration,
  parseToken,
} from '../../../src/auth/tokens.js';

describe('access tokens', () => {
  const hasher = createTokenHasher(deriveTokenKey('a unit test secret key, 32 characters or more'));

  it('are mlg_<16 hex id>_<256 random bits>, stored as an HMAC-SHA256', () => {
    const token = generateToken(hasher);
    expect(token.token).to.match(/^mlg_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(token.token.slice(4, 20)).to.equal(token.id);
    expect(token.hash).to.match(/^[0-9a-f]{64}$/);
    expect(token.hash).to.equal(hasher.hash(token.token));
    expect(generateToken(hasher).token).to.not.equal(token.token);
    expect(generateToken(hasher).id).to.not.equal(token.id);
  });

  it('hash with a key derived from the secret: another secret gives another hash, the same secret the same', () => {
    const token = generateToken(hasher).token;
    const same = createTokenHasher(deriveTokenKey('a unit test secret key, 32 characters or more'));
    const other = createTokenHasher(deriveTokenKey('another secret key of 32 characters or more'));
    expect(same.hash(token)).to.equal(hasher.hash(token));
    expect(other.hash(token)).to.not.equal(hasher.hash(token));
    // Not a plain SHA-256 of the token (the first format).
    expect(hasher.hash(token)).to.not.equal(createTokenHasher(Buffer.alloc(32)).hash(token));
  });

  it('use the public development key when the secret is empty, the same in every process', () => {
    expect(deriveTokenKey('').equals(deriveTokenKey(DEVELOPMENT_TOKEN_SECRET))).to.be.true;
    expect(deriveTokenKey('').equals(deriveTokenKey('some real secret of enough length....'))).to.be.false;
  });

  it('match only their own hash', () => {
    const token = generateToken(hasher);
    expect(hasher.matches(token.token, token.hash)).to.be.true;
    expect(hasher.matches(token.token + 'x', token.hash)).to.be.false;
    expect(hasher.matches(generateToken(hasher).token, token.hash)).to.be.false;
    expect(hasher.matches(token.token, token.hash.slice(0, 62))).to.be.false;
    expect(hasher.matches(token.token, 'not hex')).to.be.false;
  });

  it('parse to their id; the first format is recognised; anything else is malformed', () => {
    const token = generateToken(hasher);
    expect(parseToken(token.token)).to.deep.equal({ kind: 'current', id: token.id });
    expect(parseToken(`mlg_${'A'.repeat(43)}`)).to.deep.equal({ kind: 'legacy' });
    for (const text of ['', 'mlg_', token.token + 'x', token.token.toUpperCase(), ` ${token.token}`, 'password']) {
      expect(parseToken(text), text).to.deep.equal({ kind: 'malformed' });
    }
  });

  it('parse expiry durations', () => {
    expect(parseDuration('90d')).to.equal(90 * 86_400_000);
    expect(parseDuration('12h')).to.equal(12 * 3_600_000);
    expect(parseDuration('30m')).to.equal(1_800_000);
    expect(parseDuration('10s')).to.equal(10_000);
    expect(parseDuration('0d')).to.equal(undefined);
    expect(parseDuration('soon')).to.equal(undefined);
    expect(parseDuration('99999999999999999999d')).to.equal(undefined);
  });
});
