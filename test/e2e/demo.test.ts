/**
 * `make demo` on this machine: the demo starts, prints credentials and instructions, the printed MLflow client
 * snippet works with them, and Ctrl-C stops everything it started.
 */
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';

import { expect } from 'chai';

import { compiledPath } from '../../scripts/code-snapshot.js';
import { ROOT, freePort } from '../../scripts/services.js';
import { tempDir } from '../helpers/tmp.js';

function processesUsing(dir: string): string {
  try {
    return execFileSync('pgrep', ['-af', dir]).toString().trim();
  } catch {
    return '';
  }
}

describe('make demo', () => {
  it('prints working credentials and instructions, and stops everything on Ctrl-C', async function () {
    this.timeout(240_000);
    const tmp = tempDir('demo');
    const port = await freePort();
    const demo = spawn(process.execPath, [compiledPath(ROOT, 'scripts/demo.js')], {
      env: { ...process.env, DEMO_DIR: tmp.path, DEMO_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 180_000;
      while (!output.includes('Stop: Ctrl-C') && Date.now() < deadline && demo.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(output, output).to.include(`mlgate is running at http://127.0.0.1:${port}`);

      // Run the printed snippet with the printed exports, as a user would paste them.
      const exports = Object.fromEntries(
        [...output.matchAll(/^\s*export (MLFLOW_\w+)=(\S+)$/gm)].map((m) => [m[1] as string, m[2] as string]),
      );
      expect(exports).to.have.keys('MLFLOW_TRACKING_URI', 'MLFLOW_TRACKING_USERNAME', 'MLFLOW_TRACKING_PASSWORD');
      const snippet = /<<'PY'\n([\s\S]*?)\nPY\n/.exec(output)?.[1];
      expect(snippet, 'the printed Python snippet').to.be.a('string');
      const printed = execFileSync(join(ROOT, '.venv', 'bin', 'python'), ['-c', snippet as string], {
        env: { ...process.env, ...exports, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      }).toString();
      expect(printed).to.include('0.93');

      // Browser login: the printed provider and users; the gateway sends a browser to that provider's login form.
      const issuer = /local OpenID provider at (http:\/\/127\.0\.0\.1:\d+)\)/.exec(output)?.[1];
      expect(issuer, 'the printed provider').to.be.a('string');
      for (const line of ['ada / ada-password', 'bob / bob-password', 'eve / eve-password']) {
        expect(output).to.include(line);
      }
      const start = await fetch(`http://127.0.0.1:${port}/_mlgate/login/oidc?rd=%2F`, { redirect: 'manual' });
      expect(start.status).to.equal(302);
      const authorize = start.headers.get('location') ?? '';
      expect(authorize.startsWith(`${issuer as string}/auth?`), authorize).to.equal(true);
      const toForm = await fetch(authorize, { redirect: 'manual' });
      const cookie = toForm.headers
        .getSetCookie()
        .map((line) => line.split(';')[0])
        .join('; ');
      const form = await fetch(new URL(toForm.headers.get('location') ?? '', issuer), { headers: { cookie } });
      expect(await form.text()).to.include('name="password"');

      demo.kill('SIGINT');
      expect(await exited).to.equal(0);
      expect(processesUsing(tmp.path), 'processes left behind').to.equal('');
    } finally {
      if (demo.exitCode === null) demo.kill('SIGKILL');
      tmp.remove();
    }
  });
});
