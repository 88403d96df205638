import { expect } from 'chai';

import { POLL_JITTER, classifyAnswer, conditionalHeaders, pollDelay } from '../../../src/policy/source/etag.js';

describe('bundle polling (OPA bundle protocol: ETag and If-None-Match)', () => {
  it('sends If-None-Match only once a bundle from the URL is active', () => {
    expect(conditionalHeaders(null)).to.deep.equal({});
    expect(conditionalHeaders('"r1"')).to.deep.equal({ 'if-none-match': '"r1"' });
    expect(conditionalHeaders('W/"r1"')).to.deep.equal({ 'if-none-match': 'W/"r1"' });
  });

  it('keeps the current bundle on 304, and on a 200 carrying the active ETag', () => {
    expect(classifyAnswer(304, null, '"r1"')).to.deep.equal({ kind: 'unchanged' });
    expect(classifyAnswer(200, '"r1"', '"r1"')).to.deep.equal({ kind: 'unchanged' });
  });

  it('takes a 200 with another ETag, or none, as a new bundle', () => {
    expect(classifyAnswer(200, '"r2"', '"r1"')).to.deep.equal({ kind: 'bundle', etag: '"r2"' });
    expect(classifyAnswer(200, null, '"r1"')).to.deep.equal({ kind: 'bundle', etag: null });
    expect(classifyAnswer(200, '"r1"', null)).to.deep.equal({ kind: 'bundle', etag: '"r1"' });
  });

  it('takes any other status as an error that keeps the current bundle', () => {
    for (const status of [204, 301, 401, 404, 500, 503]) {
      expect(classifyAnswer(status, '"r2"', '"r1"')).to.deep.equal({
        kind: 'error',
        reason: `the server answered HTTP ${status}`,
      });
    }
  });

  it('spaces polls by the interval, give or take the jitter', () => {
    expect(pollDelay(10_000, () => 0)).to.equal(10_000 * (1 - POLL_JITTER));
    expect(pollDelay(10_000, () => 0.5)).to.equal(10_000);
    expect(pollDelay(10_000, () => 1)).to.equal(10_000 * (1 + POLL_JITTER));
    expect(pollDelay(1, () => 0)).to.equal(1);
  });
});
