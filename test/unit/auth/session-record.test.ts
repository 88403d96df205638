import { expect } from 'chai';

import { checkSession, newSessionData } from '../../../src/auth/session/record.js';

const limits = { maxAgeMs: 3_600_000, idleMs: 600_000, touchIntervalMs: 60_000 };
const start = new Date('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(start.getTime() + ms);
const identity = { username: 'ann', provider: 'idp', groups: ['g'], isAdmin: false, idTokenHint: 'eyJ' };

describe('session records', () => {
  const data = newSessionData(identity, start, limits);

  it('is valid within its limits, asking for a touch once a minute has passed', () => {
    const fresh = checkSession('id', data, at(30_000), limits);
    expect(fresh).to.deep.include({ kind: 'valid', touch: false });
    const later = checkSession('id', data, at(90_000), limits);
    expect(later.kind === 'valid' && later.touch).to.be.true;
    expect(later.kind === 'valid' && later.record).to.deep.include({ id: 'id', username: 'ann', idTokenHint: 'eyJ' });
  });

  it('expires when idle, and at the absolute limit even when active', () => {
    expect(checkSession('id', data, at(600_000), limits)).to.deep.equal({
      kind: 'expired',
      reason: 'idle',
      username: 'ann',
    });
    const active = { ...data, lastSeenAt: at(3_599_000).toISOString() };
    expect(checkSession('id', active, at(3_600_000), limits)).to.deep.include({ reason: 'absolute' });
  });

  it('applies a lowered absolute limit to sessions made under the old one', () => {
    const active = { ...data, lastSeenAt: at(1_799_000).toISOString() };
    expect(checkSession('id', active, at(1_800_000), { ...limits, maxAgeMs: 1_800_000 })).to.deep.include({
      reason: 'absolute',
    });
  });

  it('refuses data that is not a session mlgate wrote', () => {
    for (const broken of [{}, { ...data, username: '' }, { ...data, groups: 'g' }, { ...data, createdAt: 'soon' }]) {
      expect(checkSession('id', broken, at(1), limits).kind).to.equal('invalid');
    }
  });
});
