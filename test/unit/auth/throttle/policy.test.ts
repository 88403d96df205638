import { expect } from 'chai';

import { createClientAddress } from '../../../../src/auth/throttle/client-address.js';
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
  /** n failures, the earliest expiring in `firstInMs`, then one a second later each. */
  const failures = (n: number, firstInMs = 30_500): Date[] =>
    Array.from({ length: n }, (_, i) => new Date(now.getTime() + firstInMs + i * 1000));
  const none: Date[] = [];

  it('answers the free failures at once, then delays, doubling up to the maximum', () => {
    expect(verdictForFailure({ address: failures(1), username: none }, settings, now)).to.deep.equal({ kind: 'pass' });
    expect(verdictForFailure({ address: failures(2), username: none }, settings, now)).to.deep.equal({
      kind: 'delay',
      ms: 100,
    });
    expect(verdictForFailure({ address: failures(1), username: failures(3) }, settings, now)).to.deep.equal({
      kind: 'delay',
      ms: 200,
    });
    expect(verdictForFailure({ address: failures(8), username: none }, settings, now)).to.deep.equal({
      kind: 'delay',
      ms: 500,
    });
    expect(delayFor(1000, settings)).to.equal(500);
  });

  it('blocks once the address maximum counts, until enough failures expire', () => {
    expect(verdictForFailure({ address: failures(9), username: none }, settings, now).kind).to.equal('delay');
    expect(verdictForFailure({ address: failures(10), username: none }, settings, now)).to.deep.equal({
      kind: 'block',
      scope: 'address',
      retryAfterSeconds: 31,
    });
    // Concurrent attempts overshot the limit by two: three must expire.
    expect(verdictForFailure({ address: failures(12), username: none }, settings, now)).to.deep.equal({
      kind: 'block',
      scope: 'address',
      retryAfterSeconds: 33,
    });
  });

  it('blocks a failure once the username maximum counts', () => {
    expect(verdictForFailure({ address: failures(1), username: failures(5, 100) }, settings, now)).to.deep.equal({
      kind: 'block',
      scope: 'username',
      retryAfterSeconds: 1,
    });
  });

  it('lets a valid credential through unless its address is blocked; the username count plays no part', () => {
    expect(verdictForValid(none, settings, now)).to.deep.equal({ kind: 'pass' });
    expect(verdictForValid(failures(9), settings, now)).to.deep.equal({ kind: 'pass' });
    expect(verdictForValid(failures(10), settings, now)).to.deep.equal({
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

describe('throttle client address', () => {
  it('is the TCP peer without trusted proxies, whatever X-Forwarded-For says', () => {
    const address = createClientAddress([]);
    expect(address({ peerAddress: '192.0.2.1', headers: { 'x-forwarded-for': '198.51.100.7' } })).to.equal('192.0.2.1');
  });

  it("is the client a trusted proxy names, and only a trusted proxy's word counts", () => {
    const address = createClientAddress(['10.0.0.0/8']);
    expect(address({ peerAddress: '10.1.2.3', headers: { 'x-forwarded-for': '198.51.100.7' } })).to.equal(
      '198.51.100.7',
    );
    // A client cannot pick its address by prepending one: the nearest untrusted hop wins.
    expect(address({ peerAddress: '10.1.2.3', headers: { 'x-forwarded-for': '203.0.113.9, 198.51.100.7' } })).to.equal(
      '198.51.100.7',
    );
    expect(address({ peerAddress: '192.0.2.1', headers: { 'x-forwarded-for': '198.51.100.7' } })).to.equal('192.0.2.1');
    expect(address({ peerAddress: '10.1.2.3', headers: {} })).to.equal('10.1.2.3');
  });
});
