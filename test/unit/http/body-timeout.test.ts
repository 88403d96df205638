import { expect } from 'chai';

import { checkBody } from '../../../src/http/body-timeout.js';
import { serverTimeouts } from '../../../src/http/server-timeouts.js';

describe('body idle timeout', () => {
  const watch = { bytesRead: 100, progressAt: 1_000 };

  it('counts silence only from the last byte received', () => {
    expect(checkBody(watch, { bytesRead: 100, now: 1_900, backpressured: false }, 1_000).stalled).to.be.false;
    expect(checkBody(watch, { bytesRead: 100, now: 2_000, backpressured: false }, 1_000).stalled).to.be.true;
    const moved = checkBody(watch, { bytesRead: 120, now: 5_000, backpressured: false }, 1_000);
    expect(moved).to.deep.equal({ watch: { bytesRead: 120, progressAt: 5_000 }, stalled: false });
  });

  it('does not blame the client while the request buffer is full (nobody is reading it)', () => {
    const paused = checkBody(watch, { bytesRead: 100, now: 9_000, backpressured: true }, 1_000);
    expect(paused).to.deep.equal({ watch: { bytesRead: 100, progressAt: 9_000 }, stalled: false });
  });
});

describe('server timeouts', () => {
  it('maps the configuration to Node options, checking often enough for the headers timeout', () => {
    expect(
      serverTimeouts({ headers_timeout_ms: 30_000, request_timeout_ms: 3_600_000, keep_alive_timeout_ms: 65_000 }),
    ).to.deep.equal({
      headersTimeout: 30_000,
      requestTimeout: 3_600_000,
      connectionsCheckingInterval: 7_500,
      keepAliveTimeout: 65_000,
    });
  });

  it('keeps the headers timeout within the request timeout, and 0 means no request timeout', () => {
    const bounded = serverTimeouts({
      headers_timeout_ms: 30_000,
      request_timeout_ms: 10_000,
      keep_alive_timeout_ms: 5_000,
    });
    expect(bounded.headersTimeout).to.equal(10_000);
    const unbounded = serverTimeouts({
      headers_timeout_ms: 30_000,
      request_timeout_ms: 0,
      keep_alive_timeout_ms: 5_000,
    });
    expect(unbounded).to.include({ headersTimeout: 30_000, requestTimeout: 0 });
  });
});
