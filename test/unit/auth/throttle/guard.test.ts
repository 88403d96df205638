import { expect } from 'chai';

import { createClientAddress } from '../../../../src/auth/throttle/client-address.js';
import { createThrottleGuard } from '../../../../src/auth/throttle/guard.js';
import type { ThrottleSettings } from '../../../../src/auth/throttle/policy.js';
import type { AuthOutcome, Principal } from '../../../../src/auth/principal.js';
import { MlgateError } from '../../../../src/errors.js';
import { silentLogger } from '../../../../src/logging.js';
import { createMemoryStore } from '../../../../src/store/memory/store.js';

describe('throttle guard', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const settings: ThrottleSettings = {
    windowMs: 60_000,
    freeFailures: 1,
    delayMs: 10,
    maxDelayMs: 40,
    addressMaxFailures: 4,
    usernameMaxFailures: 2,
  };
  const alice: Principal = { authenticated: true, username: 'alice', isAdmin: false, groups: [], method: 'basic' };
  const ok: AuthOutcome = { kind: 'authenticated', principal: alice };
  const wrong = (username?: string): AuthOutcome => ({
    kind: 'rejected',
    error: new MlgateError('MLGATE_AUTH_INVALID'),
    ...(username === undefined ? {} : { username }),
  });
  const setUp = () => {
    const store = createMemoryStore();
    const slept: number[] = [];
    const guard = createThrottleGuard({
      failures: store.failures,
      settings,
      logger: silentLogger,
      sleep: (ms) => {
        slept.push(ms);
        return Promise.resolve();
      },
    });
    return { store, guard, slept };
  };
  const from = (peerAddress: string) => ({ peerAddress, headers: {}, now });
  const code = (outcome: AuthOutcome) => (outcome.kind === 'rejected' ? outcome.error.code : outcome.kind);

  it('reads the store for a valid credential once per clearTtlMs, and again at once after a failure here', async () => {
    const store = createMemoryStore();
    let reads = 0;
    const failures = {
      ...store.failures,
      read: (keys: readonly string[], at: Date) => {
        reads += 1;
        return store.failures.read(keys, at);
      },
    };
    const guard = createThrottleGuard({ failures, settings, logger: silentLogger, clearTtlMs: 60_000 });
    for (let i = 0; i < 3; i++) expect(code(await guard.screen(ok, from('192.0.2.9')))).to.equal('authenticated');
    expect(reads).to.equal(1);
    for (let i = 0; i < 5; i++) await guard.screen(wrong(), from('192.0.2.9'));
    const before = reads;
    expect(code(await guard.screen(ok, from('192.0.2.9')))).to.equal('MLGATE_AUTH_THROTTLED');
    expect(reads).to.equal(before + 1);
  });

  it('leaves requests without a credential alone and counts nothing', async () => {
    const { store, guard } = setUp();
    expect(await guard.screen({ kind: 'not-mine' }, from('192.0.2.1'))).to.deep.equal({ kind: 'not-mine' });
    expect(await store.failures.read(['address:192.0.2.1'], now)).to.deep.equal([]);
    const session: AuthOutcome = { kind: 'authenticated', principal: { ...alice, method: 'session' } };
    expect(await guard.screen(session, from('192.0.2.1'))).to.equal(session);
  });

  it('delays failures past the free ones, then answers 429 MLGATE_AUTH_THROTTLED with Retry-After', async () => {
    const { store, guard, slept } = setUp();
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      codes.push(code(await guard.screen(wrong(), from('192.0.2.1'))));
    }
    expect(codes).to.deep.equal([
      'MLGATE_AUTH_INVALID',
      'MLGATE_AUTH_INVALID',
      'MLGATE_AUTH_INVALID',
      'MLGATE_AUTH_INVALID',
      'MLGATE_AUTH_THROTTLED',
      'MLGATE_AUTH_THROTTLED',
    ]);
    expect(slept).to.deep.equal([10, 20, 40]);
    // Blocked failures are not stored: the key holds as many as its limit.
    expect((await store.failures.read(['address:192.0.2.1'], now))[0]?.expiries).to.have.length(4);
    const blocked = await guard.screen(ok, from('192.0.2.1'));
    expect(blocked.kind).to.equal('rejected');
    if (blocked.kind === 'rejected') {
      expect(blocked.error.status).to.equal(429);
      expect(blocked.error.headers['Retry-After']).to.equal('60');
      expect(blocked.error.details).to.deep.include({ scope: 'address' });
    }
  });

  it('does not block a valid credential from another address, nor browser sessions from the blocked one', async () => {
    const { guard } = setUp();
    for (let i = 0; i < 6; i++) await guard.screen(wrong('alice'), from('192.0.2.1'));
    expect(await guard.screen(ok, from('192.0.2.2'))).to.equal(ok);
    expect(await guard.screen(ok, from('::ffff:192.0.2.2'))).to.equal(ok);
    const session: AuthOutcome = { kind: 'authenticated', principal: { ...alice, method: 'session' } };
    expect(await guard.screen(session, from('192.0.2.1'))).to.equal(session);
    // The same address written as IPv4-mapped IPv6 is the same address.
    expect(code(await guard.screen(ok, from('::ffff:192.0.2.1')))).to.equal('MLGATE_AUTH_THROTTLED');
  });

  it("429s further failures for a username from any address, yet its owner's valid token still works", async () => {
    const { guard } = setUp();
    const results: string[] = [];
    for (const address of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) {
      results.push(code(await guard.screen(wrong('Alice'), from(address))));
    }
    expect(results).to.deep.equal(['MLGATE_AUTH_INVALID', 'MLGATE_AUTH_INVALID', 'MLGATE_AUTH_THROTTLED']);
    const blocked = await guard.screen(wrong('alice'), from('192.0.2.4'));
    expect(blocked.kind === 'rejected' && blocked.error.details).to.deep.include({ scope: 'username' });
    expect(await guard.screen(ok, from('192.0.2.5'))).to.equal(ok);
    // Other usernames are not affected.
    expect(code(await guard.screen(wrong('bob'), from('192.0.2.6')))).to.equal('MLGATE_AUTH_INVALID');
  });

  it("counts a blocked username's failures against their address, so guesses stay limited per address", async () => {
    const { guard } = setUp();
    await guard.screen(wrong('alice'), from('192.0.2.1'));
    await guard.screen(wrong('alice'), from('192.0.2.1'));
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) codes.push(code(await guard.screen(wrong('alice'), from('192.0.2.9'))));
    expect(codes).to.deep.equal(['MLGATE_AUTH_THROTTLED', 'MLGATE_AUTH_THROTTLED', 'MLGATE_AUTH_THROTTLED']);
    expect(await guard.screen(ok, from('192.0.2.9'))).to.equal(ok);
    await guard.screen(wrong('alice'), from('192.0.2.9'));
    const blocked = await guard.screen(ok, from('192.0.2.9'));
    expect(blocked.kind === 'rejected' && blocked.error.details).to.deep.include({ scope: 'address' });
  });

  it("counts clients behind a trusted proxy by the address it forwards, not the proxy's", async () => {
    const store = createMemoryStore();
    const guard = createThrottleGuard({
      failures: store.failures,
      settings,
      logger: silentLogger,
      clientAddress: createClientAddress(['10.0.0.0/8']),
      sleep: () => Promise.resolve(),
    });
    const via = (client: string) => ({ peerAddress: '10.0.0.1', headers: { 'x-forwarded-for': client }, now });
    for (let i = 0; i < 4; i++) await guard.screen(wrong(), via('198.51.100.1'));
    expect(code(await guard.screen(ok, via('198.51.100.1')))).to.equal('MLGATE_AUTH_THROTTLED');
    expect(await guard.screen(ok, via('198.51.100.2'))).to.equal(ok);
  });

  it('forgets failures after the window', async () => {
    const { guard } = setUp();
    for (let i = 0; i < 6; i++) await guard.screen(wrong(), from('192.0.2.1'));
    const later = { peerAddress: '192.0.2.1', headers: {}, now: new Date(now.getTime() + 60_000) };
    expect(await guard.screen(ok, later)).to.equal(ok);
  });
});
