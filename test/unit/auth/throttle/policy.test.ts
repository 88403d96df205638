import { expect } from 'chai';

import { addressKey, usernameKey } from '../../../../src/auth/throttle/keys.js';
import {
  type ThrottleSettings,
  delayFor,
  verdictForFailure,
  verdictForValid,
} from '../../../../src/auth/throttle/policy.js';

describe('throttle policy', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const settings: ThrottleSettings = {
    windowMs: 60_000,
    freeFailures: 2,
    delayMs: 100,
    maxDelayMs: 500,
    addressMaxFailures: 10,
    usernameMaxFailures: 5,
  };
  const count = (n: number, expiresInMs = 30_500) => ({ count: n, expiresAt: new Date(now.getTime() + expiresInMs) });

  it('answers the free failures at once, then delays, doubling up to the maximum', () => {
    expect(verdictForFailure({ address: count(2), username: count(1) }, settings, now)).to.deep.equal({ kind: 'pass' });
    expect(verdictForFailure({ address: count(3), username: null }, settings, now)).to.deep.equal({
      kind: 'delay',
      ms: 100,
    });
    expect(verdictForFailure({ address: count(1), username: count(4) }, settings, now)).to.deep.equal({
      kind: 'delay',
      ms: 200,
    });
    expect(verdictForFailure({ address: count(9), username: null }, settings, now)).to.deep.equal({
      kind: 'delay',
      ms: 500,
    });
    expect(delayFor(1000, settings)).to.equal(500);
  });

  it('blocks a failure past the address maximum, with Retry-After until the count is forgotten', () => {
    expect(verdictForFailure({ address: count(10), username: null }, settings, now).kind).to.equal('delay');
    expect(verdictForFailure({ address: count(11), username: null }, settings, now)).to.deep.equal({
      kind: 'block',
      scope: 'address',
      retryAfterSeconds: 31,
    });
  });

  it('blocks a failure past the username maximum', () => {
    expect(verdictForFailure({ address: count(1), username: count(6, 100) }, settings, now)).to.deep.equal({
      kind: 'block',
      scope: 'username',
      retryAfterSeconds: 1,
    });
  });

  it('lets a valid credential through unless its address is blocked; the username count plays no part', () => {
    expect(verdictForValid(null, settings, now)).to.deep.equal({ kind: 'pass' });
    expect(verdictForValid(count(9), settings, now)).to.deep.equal({ kind: 'pass' });
    expect(verdictForValid(count(10), settings, now)).to.deep.equal({
      kind: 'block',
      scope: 'address',
      retryAfterSeconds: 31,
    });
  });

  it('counts IPv4 peers of a dual-stack socket as IPv4, and only valid usernames', () => {
    expect(addressKey('::ffff:127.0.0.2')).to.equal('address:127.0.0.2');
    expect(addressKey('127.0.0.2')).to.equal('address:127.0.0.2');
    expect(addressKey('2001:DB8::1')).to.equal('address:2001:db8::1');
    expect(usernameKey(' Alice ')).to.equal('username:alice');
    expect(usernameKey(undefined)).to.equal(null);
    expect(usernameKey('x'.repeat(500))).to.equal(null);
    expect(usernameKey('no/slash')).to.equal(null);
  });
});
