import { expect } from 'chai';

import { parseDecision } from '../../../src/policy/decision.js';
import { ALLOW_REASONS, DENY_REASONS, classOf, parseReasons } from '../../../src/policy/reasons.js';

describe('the closed list of decision reasons', () => {
  it('accepts the listed reasons for their outcome only', () => {
    expect(parseReasons(false, ['no-permission', 'explicit-deny'])).to.deep.equal(['no-permission', 'explicit-deny']);
    expect(parseReasons(true, ['grant:group', 'admin'])).to.deep.equal(['grant:group', 'admin']);
    expect(() => parseReasons(true, ['no-permission'])).to.throw('unknown allow reason "no-permission"');
    expect(() => parseReasons(false, ['grant:user'])).to.throw('unknown deny reason');
  });

  it('refuses a decision whose reason the gateway does not know (the caller then gets a policy error)', () => {
    const result = [{ result: { allow: false, reasons: ['something-new'], obligations: [], checks: [] } }];
    expect(() => parseDecision(result)).to.throw('unknown deny reason "something-new"');
  });

  it('classifies every deny reason', () => {
    for (const reason of DENY_REASONS) {
      expect(['unauthenticated', 'refused', 'missing', 'gateway-bug']).to.include(classOf(reason));
    }
    expect(ALLOW_REASONS).to.include('grant:default');
  });
});
