/** The bootstrap names a missing prerequisite instead of failing somewhere later. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

import { expect } from 'chai';

import { ROOT } from '../../scripts/services.js';
import { tempDir } from '../helpers/tmp.js';

function which(command: string): string {
  const found = spawnSync('bash', ['-c', `command -v ${command}`])
    .stdout.toString()
    .trim();
  expect(found, command).to.not.equal('');
  return found;
}

/** A PATH holding only the named commands. */
function pathWith(dir: string, commands: readonly string[]): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const command of commands) {
    symlinkSync(which(command), join(bin, command));
  }
  return bin;
}

function bootstrap(path: string): { status: number | null; stderr: string } {
  const result = spawnSync(join(ROOT, 'scripts', 'bootstrap.sh'), [], {
    env: { PATH: path, HOME: process.env['HOME'] ?? '/' },
  });
  return { status: result.status, stderr: result.stderr.toString() };
}

describe('bootstrap prerequisites', () => {
  const tmp = tempDir('bootstrap');
  after(() => tmp.remove());

  it('stops and names Go when it is missing', () => {
    const result = bootstrap(pathWith(join(tmp.path, 'no-go'), ['bash', 'node', 'npm', 'python3', 'dirname', 'mkdir']));
    expect(result.status).to.equal(1);
    expect(result.stderr).to.include(
      "Go is required (1.25 or newer) to build opa and FerretDB, but 'go' is not on PATH.",
    );
  });

  it('stops and names Python when it is missing', () => {
    const result = bootstrap(pathWith(join(tmp.path, 'no-python'), ['bash', 'node', 'npm', 'go', 'dirname', 'mkdir']));
    expect(result.status).to.equal(1);
    expect(result.stderr).to.include("Python is required (3.10 or newer) for MLflow, but 'python3' is not on PATH.");
  });

  it('stops and names Node.js when it is missing', () => {
    const result = bootstrap(pathWith(join(tmp.path, 'no-node'), ['bash', 'go', 'python3', 'dirname', 'mkdir']));
    expect(result.status).to.equal(1);
    expect(result.stderr).to.include("Node.js is required (20.19 or newer) but 'node' is not on PATH.");
  });
});

/**
 * The version checks capture a tool's output before matching it. The old shape, `tool --version | grep -qx …`
 * under pipefail, failed whenever grep exited before the tool finished writing (SIGPIPE): here a tool that writes
 * its version line and then a lot more makes that failure certain instead of 1 run in 20.
 */
describe('bootstrap version checks (scripts/lib.sh)', () => {
  const tmp = tempDir('bootstrap-lib');
  after(() => tmp.remove());

  function check(script: string): number | null {
    const lib = join(ROOT, 'scripts', 'lib.sh');
    return spawnSync('bash', ['-c', `set -euo pipefail; source '${lib}'; ${script}`], { cwd: tmp.path }).status;
  }

  const chatty = `printf 'version: v1.24.2\\n'; head -c 4000000 /dev/zero | tr '\\\\0' x; echo`;

  it('finds the version line of a tool that keeps writing after it', () => {
    expect(check(`reports_line 'version: v1.24.2' bash -c "${chatty}"`)).to.equal(0);
  });

  it('the old pipe into grep -q fails on the same tool (the flake this replaces)', () => {
    expect(check(`bash -c "${chatty}" | grep -qx 'version: v1.24.2'`)).to.not.equal(0);
  });

  it('refuses a different version, a partial line and a failing tool', () => {
    expect(check(`reports_line 'version: v1.24.2' echo 'version: v1.24.3'`)).to.equal(1);
    expect(check(`reports_line 'version: v1.24' echo 'version: v1.24.2'`)).to.equal(1);
    expect(check(`reports_line 'version: v1.24.2' bash -c 'echo "version: v1.24.2"; exit 3'`)).to.equal(1);
  });

  it('compares dotted versions', () => {
    expect(check('version_at_least 20.19.1 20.19.0')).to.equal(0);
    expect(check('version_at_least 20.9.0 20.19.0')).to.equal(1);
  });
});
