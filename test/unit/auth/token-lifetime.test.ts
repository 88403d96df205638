import { expect } from 'chai';

import { resolveExpiry } from '../../../src/auth/token-lifetime.js';
import type { MlgateError } from '../../../src/errors.js';

describe('token lifetime', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const day = 86_400_000;
  const policy = { defaultDays: 90, maxDays: 366, allowNoExpiry: false };
  const refused = (requested: string | undefined, p = policy): MlgateError => {
    try {
      resolveExpiry(requested, p, now);
    } catch (error) {
      return error as MlgateError;
    }
    throw new Error(`expected ${requested} to be refused`);
  };

  it('defaults to tokens.default_lifetime_days, capped by the maximum', () => {
    expect(resolveExpiry(undefined, policy, now)?.getTime()).to.equal(now.getTime() + 90 * day);
    expect(resolveExpiry(undefined, { ...policy, defaultDays: 400 }, now)?.getTime()).to.equal(
      now.getTime() + 366 * day,
    );
  });

  it('accepts a duration up to the maximum', () => {
    expect(resolveExpiry('12h', policy, now)?.getTime()).to.equal(now.getTime() + 12 * 3_600_000);
    expect(resolveExpiry('366d', policy, now)?.getTime()).to.equal(now.getTime() + 366 * day);
  });

  it('refuses a longer one, a malformed one and "never" unless allowed, with 400 MLGATE_TOKEN_EXPIRY_INVALID', () => {
    for (const requested of ['367d', '9000h', 'forever', '0d', '-1d', 'never']) {
      const error = refused(requested);
      expect(error.code, requested).to.equal('MLGATE_TOKEN_EXPIRY_INVALID');
      expect(error.status).to.equal(400);
    }
    expect(refused('never').message).to.include('tokens.allow_no_expiry');
    expect(refused('367d').message).to.include('366d');
  });

  it('gives no expiry for "never" when tokens.allow_no_expiry is on', () => {
    expect(resolveExpiry('never', { ...policy, allowNoExpiry: true }, now)).to.equal(null);
  });
});
