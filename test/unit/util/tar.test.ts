import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { expect } from 'chai';

import { defaultBundlePath } from '../../../src/paths.js';
import { readTar } from '../../../src/util/tar.js';
import { tempDir } from '../../helpers/tmp.js';

describe('tar reader', () => {
  const tmp = tempDir('tar');
  after(() => tmp.remove());

  it('reads the files of an OPA bundle', () => {
    const files = readTar(gunzipSync(readFileSync(defaultBundlePath())));
    expect([...files.keys()]).to.include.members(['/policy.wasm', '/data.json', '/.manifest']);
    const data = JSON.parse(files.get('/data.json')?.toString() ?? '{}') as {
      mlgate?: { operations?: { table?: Record<string, unknown> } };
    };
    expect(data.mlgate?.operations?.table?.['GetExperiment']).to.deep.equal({ access: 'resource', permission: 'READ' });
  });

  it('reads archives made by GNU tar, including long names', () => {
    const src = join(tmp.path, 'src');
    const deep = join(src, 'a'.repeat(60), 'b'.repeat(60));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'file.txt'), 'long');
    writeFileSync(join(src, 'short.txt'), 'x'.repeat(1000));
    const archive = join(tmp.path, 'out.tar');
    execFileSync('tar', ['-cf', archive, '-C', src, '.']);
    const files = readTar(readFileSync(archive));
    expect(files.get('/short.txt')?.length).to.equal(1000);
    expect(files.get(`/${'a'.repeat(60)}/${'b'.repeat(60)}/file.txt`)?.toString()).to.equal('long');
  });

  it('refuses a corrupted header', () => {
    const archive = Buffer.from(gunzipSync(readFileSync(defaultBundlePath())));
    archive[0] = (archive[0] as number) ^ 0xff;
    expect(() => readTar(archive)).to.throw(/checksum/);
  });

  it('refuses a truncated archive', () => {
    const archive = gunzipSync(readFileSync(defaultBundlePath()));
    expect(() => readTar(archive.subarray(0, 700))).to.throw(/truncated|past the end/);
    expect(() => readTar(archive.subarray(0, archive.length - 2048))).to.throw(/truncated|past the end/);
  });
});
