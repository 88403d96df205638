import { expect } from 'chai';

import { accessOutcome } from '../../../src/http/outcome.js';

describe('access-log outcome', () => {
  const base = { recorded: undefined, status: 200, responseFinished: false, connectionClosed: false };

  it('keeps the status of an answer on a live connection, or one written to the end', () => {
    expect(accessOutcome(base)).to.deep.equal({ outcome: 'completed', status: 200 });
    expect(accessOutcome({ ...base, responseFinished: true, connectionClosed: true })).to.deep.equal({
      outcome: 'completed',
      status: 200,
    });
  });

  it('logs 499 when the client closed before its answer was sent, whatever the gateway meant to answer', () => {
    expect(accessOutcome({ ...base, status: 500, connectionClosed: true })).to.deep.equal({
      outcome: 'client_closed',
      status: 499,
    });
    expect(accessOutcome({ ...base, recorded: 'client_closed', status: 404 })).to.deep.equal({
      outcome: 'client_closed',
      status: 499,
    });
  });

  it('logs 408 for a stalled body and the sent status for an answer MLflow cut', () => {
    expect(accessOutcome({ ...base, recorded: 'body_idle_timeout', connectionClosed: true })).to.deep.equal({
      outcome: 'body_idle_timeout',
      status: 408,
    });
    expect(accessOutcome({ ...base, recorded: 'upstream_cut', connectionClosed: true })).to.deep.equal({
      outcome: 'upstream_cut',
      status: 200,
    });
  });
});
