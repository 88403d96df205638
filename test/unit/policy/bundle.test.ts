import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createGzip, gunzipSync } from 'node:zlib';

import { expect } from 'chai';

import { MlgateError } from '../../../src/errors.js';
import { defaultBundlePath, packageRoot } from '../../../src/paths.js';
import { readBundle } from '../../../src/policy/bundle.js';
import { tempDir } from '../../helpers/tmp.js';

const run = promisify(execFile);

describe('policy bundles', () => {
  const tmp = tempDir('bundle');
  after(() => tmp.remove());

  it('reads the shipped bundle.tar.gz: wasm, data and revision', async () => {
    const bundle = await readBundle(defaultBundlePath());
    expect(bundle.wasm.subarray(0, 4).toString('hex')).to.equal('0061736d'); // \0asm
    // The operations table is bundle data (policies/mlgate/operations/data.yaml).
    expect(Object.keys(bundle.data)).to.deep.equal(['mlgate']);
    expect(JSON.stringify(bundle.data)).to.contain('"GetExperiment":{"access":"resource","permission":"READ"}');
    expect(bundle.revision).to.match(/^sha256:[0-9a-f]{16}$/);
  });

  it('reads a bundle directory', async () => {
    const dir = join(tmp.path, 'dir');
    mkdirSync(dir);
    const shipped = await readBundle(defaultBundlePath());
    writeFileSync(join(dir, 'policy.wasm'), shipped.wasm);
    writeFileSync(join(dir, 'data.json'), '{"extra": {"a": 1}}');
    writeFileSync(join(dir, '.manifest'), '{"revision": "r7"}');
    const bundle = await readBundle(dir);
    expect(bundle.data).to.deep.equal({ extra: { a: 1 } });
    expect(bundle.revision).to.equal('r7');
  });

  async function expectUnusable(path: string, fragment: string): Promise<void> {
    try {
      await readBundle(path);
      expect.fail('expected an unusable bundle');
    } catch (error) {
      expect(error).to.be.instanceOf(MlgateError);
      expect((error as MlgateError).code).to.equal('MLGATE_POLICY_UNAVAILABLE');
      expect((error as Error).message).to.include(fragment);
    }
  }

  it('refuses a missing path, a bundle without policy.wasm and bad JSON, saying what to do', async () => {
    await expectUnusable(join(tmp.path, 'nope.tar.gz'), 'ENOENT');
    const empty = join(tmp.path, 'empty');
    mkdirSync(empty);
    await expectUnusable(empty, 'it has no /policy.wasm; build it with "opa build -t wasm"');
    const badData = join(tmp.path, 'bad-data');
    mkdirSync(badData);
    writeFileSync(join(badData, 'policy.wasm'), 'x');
    writeFileSync(join(badData, 'data.json'), '{oops');
    await expectUnusable(badData, 'its data.json is not valid JSON');
    writeFileSync(join(badData, 'data.json'), '[1]');
    await expectUnusable(badData, 'its data.json is not a JSON object');
  });

  it('refuses a file that is not a gzipped tar', async () => {
    const path = join(tmp.path, 'junk.tar.gz');
    writeFileSync(path, 'junk');
    await expectUnusable(path, 'Cannot use the policy bundle');
  });

  it('refuses a gzip bomb without inflating it, and any bundle larger than the limit unpacked', async () => {
    // 256 MiB of zeros compress to about 256 KiB: with no limit on its output, gunzip would inflate them all.
    const bomb = join(tmp.path, 'bomb.tar.gz');
    const zeros = Buffer.alloc(64 * 1024 * 1024);
    const gzip = createGzip({ level: 9 });
    const chunks: Buffer[] = [];
    gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
    const done = new Promise((resolve) => gzip.on('end', resolve));
    for (let i = 0; i < 4; i++) {
      gzip.write(zeros);
    }
    gzip.end();
    await done;
    writeFileSync(bomb, Buffer.concat(chunks));
    const before = process.memoryUsage().arrayBuffers;
    await expectUnusable(bomb, 'it is larger than 67108864 bytes unpacked (policy.max_bundle_bytes)');
    expect(process.memoryUsage().arrayBuffers - before, 'memory held after refusing').to.be.below(128 * 1024 * 1024);

    // The shipped bundle itself, with a limit below its size.
    const shipped = defaultBundlePath();
    const unpacked = gunzipSync(readFileSync(shipped)).length;
    try {
      await readBundle(shipped, unpacked - 1);
      expect.fail('expected a refusal');
    } catch (error) {
      expect((error as MlgateError).code).to.equal('MLGATE_POLICY_UNAVAILABLE');
      expect((error as Error).message).to.include(`larger than ${unpacked - 1} bytes unpacked`);
    }
    expect((await readBundle(shipped, unpacked)).wasm.length).to.be.above(0);
  });

  it('is up to date with policies/ (rebuilding gives the committed bytes)', async () => {
    const rebuilt = join(tmp.path, 'rebuilt.tar.gz');
    await run(join(packageRoot(), 'scripts', 'build-policy.sh'), [rebuilt]);
    const same = readFileSync(rebuilt).equals(readFileSync(defaultBundlePath()));
    expect(same, 'bundle/bundle.tar.gz is stale: run "make policy" and commit it').to.be.true;
  });
});
