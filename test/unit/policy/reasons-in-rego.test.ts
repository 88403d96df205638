/**
 * Every reason the Rego source can produce is on the gateway's closed list (src/policy/reasons.ts), and every
 * listed reason is one the policy produces: read from the policy's own source, so a new reason in Rego fails here
 * until TypeScript knows what it means.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { expect } from 'chai';

import { packageRoot } from '../../../src/paths.js';
import { ALLOW_REASONS, DENY_REASONS, GRANT_SOURCES } from '../../../src/policy/reasons.js';

function regoSources(dir: string): string {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return [regoSources(path)];
      return entry.name.endsWith('.rego') && !entry.name.endsWith('_test.rego') ? [readFileSync(path, 'utf8')] : [];
    })
    .join('\n');
}

const all = (text: string, pattern: RegExp): string[] => [...text.matchAll(pattern)].map((m) => m[1] as string);

describe('decision reasons in the Rego source', () => {
  const rego = regoSources(join(packageRoot(), 'policies'));

  it('are exactly the deny reasons TypeScript knows', () => {
    const produced = new Set([
      ...all(rego, /^deny contains "([a-z-]+)"/gm),
      ...all(rego, /else := \["([a-z-]+)"\]/g), // the fallback when nothing denied and nothing allowed
    ]);
    expect([...produced].sort()).to.deep.equal([...DENY_REASONS].sort());
  });

  it('are exactly the allow reasons TypeScript knows, grant sources included', () => {
    expect(rego, 'grounds name the deciding source').to.include('concat(":", ["grant", _effective(target).source])');
    const sources = new Set(all(rego, /"source": "([a-z-]+)"/g));
    expect([...sources].sort()).to.deep.equal([...GRANT_SOURCES].sort());
    const produced = new Set([
      ...all(rego, /^_grounds contains "([a-z-]+)"/gm),
      ...[...sources].map((s) => `grant:${s}`),
    ]);
    expect([...produced].sort()).to.deep.equal([...ALLOW_REASONS].sort());
  });
});
