import { expect } from 'chai';

import { checkReturnTarget } from '../../../../src/auth/oidc/return-target.js';

describe('the return target after login (rd)', () => {
  it('accepts paths on this site, with their query and fragment', () => {
    for (const target of ['/', '/#/experiments/3/runs', '/ajax-api/2.0/x?a=1&b=%2F', '/a/@b', '/%2F%2Fhost']) {
      expect(checkReturnTarget(target), target).to.deep.equal({ ok: true, target });
    }
  });

  it('sends the user home when there is none', () => {
    for (const target of [undefined, null, '']) {
      expect(checkReturnTarget(target)).to.deep.equal({ ok: true, target: '/' });
    }
  });

  it('refuses other sites: //host, /\\host, schemes, relative and control-character tricks', () => {
    const refused = [
      '//evil.example',
      '//evil.example/path',
      '///evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      '/a\\b',
      'https://evil.example/',
      'http:evil.example',
      'javascript:alert(1)',
      'data:text/html,hi',
      'evil.example',
      './x',
      '?x=1',
      '#/x',
      '/\t/evil.example',
      '/\n/evil.example',
      '/\r\n/evil.example',
      '/\u0000x',
      '/x\u007f',
      '/x\u0085',
      ' /x',
      '/' + 'a'.repeat(2048),
    ];
    for (const target of refused) {
      const result = checkReturnTarget(target);
      expect(result.ok, JSON.stringify(target)).to.equal(false);
      expect(!result.ok && result.reason, JSON.stringify(target)).to.be.a('string');
    }
  });
});
