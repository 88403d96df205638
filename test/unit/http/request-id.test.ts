import { expect } from 'chai';

import { rawHeaderValues } from '../../../src/http/raw-headers.js';
import { acceptClientRequestId } from '../../../src/http/request-id.js';

describe('client request ids', () => {
  it('keeps a UUID or a short token of letters, digits and . _ : -', () => {
    for (const id of ['6c1d8e0e-5b1a-4f3e-9d3c-0a1b2c3d4e5f', 'job-42.step:3_a', 'a', 'x'.repeat(64)]) {
      expect(acceptClientRequestId(id), id).to.equal(id);
    }
  });

  it('drops anything longer, empty, repeated or with other characters', () => {
    for (const id of [undefined, '', 'x'.repeat(65), 'a, b', 'a b', '-leading', 'id\nforged line', 'é', '{"json":1}']) {
      expect(acceptClientRequestId(id), String(id)).to.equal(undefined);
    }
  });
});

describe('raw header values', () => {
  it('returns every value of a header, whatever the case of its name', () => {
    const raw = ['Host', 'h', 'Authorization', 'Basic a', 'x-other', 'o', 'AUTHORIZATION', 'Basic b'];
    expect(rawHeaderValues(raw, 'authorization')).to.deep.equal(['Basic a', 'Basic b']);
    expect(rawHeaderValues(raw, 'cookie')).to.deep.equal([]);
  });
});
