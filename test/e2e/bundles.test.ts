/**
 * Policy bundles for GitOps, end to end: gateway processes whose policy comes from a watched bundle file or from a
 * URL polled with ETag pick up a new bundle without a restart (a bundle that refuses the reader turns their 200
 * into 403, and readiness reports the new revision); a corrupt bundle and a badly signed one are refused while
 * the last good one keeps deciding. Bundles are built by the real opa binary, signed as CI would sign them.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { expect } from 'chai';

import type { Service } from '../../scripts/services.js';
import { buildGatewayBundle, writeKeyPair } from '../helpers/policy-bundle.js';
import { tempDir } from '../helpers/tmp.js';
import { basic, cli, startExtraGateway, world } from './world.js';

interface Readiness {
  status: string;
  checks: { policy: { ok: boolean; revision: string; source: string; last_error: string | null } };
}

describe('policy bundles (GitOps): hot reload, last good, signatures', function () {
  this.timeout(180_000);
  const tmp = tempDir('e2e-bundles');
  const bundles: Record<string, Buffer> = {};
  let keys: ReturnType<typeof writeKeyPair>;

  before(async () => {
    keys = writeKeyPair(tmp.path, 'ci');
    const other = writeKeyPair(tmp.path, 'other');
    const build = async (name: string, options: Parameters<typeof buildGatewayBundle>[2]) => {
      bundles[name] = readFileSync(await buildGatewayBundle(tmp.path, name, options));
    };
    await build('r1', { revision: 'r1' });
    await build('r2', { revision: 'r2', refuseUser: 'reader' });
    await build('signed-r1', { revision: 'signed-r1', signingKey: keys.privateKey });
    await build('signed-r2', { revision: 'signed-r2', refuseUser: 'reader', signingKey: keys.privateKey });
    await build('forged', { revision: 'forged', refuseUser: 'reader', signingKey: other.privateKey });
  });
  after(() => tmp.remove());

  /** The reader's GET of the shared experiment (READ granted): 200 under r1, 403 under a bundle refusing them. */
  async function readerStatus(gateway: Service): Promise<number> {
    const response = await fetch(
      `${gateway.url}/api/2.0/mlflow/experiments/get?experiment_id=${world.sharedExperimentId}`,
      { headers: { authorization: basic(world.users.reader) } },
    );
    await response.arrayBuffer();
    return response.status;
  }

  async function readiness(gateway: Service): Promise<Readiness> {
    return (await (await fetch(`${gateway.url}/_mlgate/health/ready`)).json()) as Readiness;
  }

  async function waitFor(what: string, check: () => Promise<boolean>, limitMs = 15_000): Promise<void> {
    const started = Date.now();
    while (!(await check())) {
      if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  function dropInPlace(path: string, bytes: Buffer): void {
    writeFileSync(`${path}.tmp`, bytes);
    renameSync(`${path}.tmp`, path);
  }

  it('a watched bundle file: a new bundle is enforced without a restart; a corrupt one is refused', async () => {
    const path = join(tmp.path, 'watched.tar.gz');
    writeFileSync(path, bundles['r1'] as Buffer);
    const gateway = await startExtraGateway('bundle-watch', {
      MLGATE_POLICY_BUNDLE: path,
      MLGATE_POLICY_POLL_INTERVAL_MS: '1000',
    });
    expect(await readerStatus(gateway)).to.equal(200);
    expect((await readiness(gateway)).checks.policy).to.include({ revision: 'r1', source: path, last_error: null });

    dropInPlace(path, bundles['r2'] as Buffer);
    await waitFor('revision r2', async () => (await readiness(gateway)).checks.policy.revision === 'r2');
    expect(await readerStatus(gateway)).to.equal(403);

    dropInPlace(path, randomBytes(8192));
    await waitFor(
      'the corrupt bundle refused',
      async () => (await readiness(gateway)).checks.policy.last_error !== null,
    );
    const ready = await readiness(gateway);
    expect(ready.status).to.equal('ready');
    expect(ready.checks.policy.revision).to.equal('r2');
    expect(ready.checks.policy.last_error).to.include(`Cannot use the policy bundle ${path}`);
    expect(await readerStatus(gateway)).to.equal(403); // the last good bundle keeps deciding
    expect(readFileSync(gateway.logFile, 'utf8')).to.include('policy bundle refused; the last good one keeps deciding');

    dropInPlace(path, bundles['r1'] as Buffer);
    await waitFor('revision r1 again', async () => (await readiness(gateway)).checks.policy.revision === 'r1');
    expect(await readerStatus(gateway)).to.equal(200);
    expect((await readiness(gateway)).checks.policy.last_error).to.equal(null);
  });

  it('keeps the live permission data (regex rules) across a bundle swap', async () => {
    const path = join(tmp.path, 'watched-rules.tar.gz');
    writeFileSync(path, bundles['r1'] as Buffer);
    const gateway = await startExtraGateway('bundle-rules', {
      MLGATE_POLICY_BUNDLE: path,
      MLGATE_POLICY_POLL_INTERVAL_MS: '1000',
    });
    // The outsider has no grant: only a regex rule lets them read the shared experiment.
    const outsiderStatus = async (): Promise<number> => {
      const response = await fetch(
        `${gateway.url}/api/2.0/mlflow/experiments/get?experiment_id=${world.sharedExperimentId}`,
        { headers: { authorization: basic(world.users.outsider) } },
      );
      await response.arrayBuffer();
      return response.status;
    };
    expect(await outsiderStatus()).to.equal(403);
    const added = await cli([
      'rule',
      'add',
      '--user',
      'outsider',
      '--pattern',
      'shared',
      '--priority',
      '1',
      '--permission',
      'READ',
      '--json',
    ]);
    const ruleId = (JSON.parse(added) as { id: string }).id;
    try {
      await waitFor('the rule applied', async () => (await outsiderStatus()) === 200);
      dropInPlace(path, bundles['r2'] as Buffer); // refuses the reader only
      await waitFor('revision r2', async () => (await readiness(gateway)).checks.policy.revision === 'r2');
      expect(await outsiderStatus(), 'the rule survives the new bundle').to.equal(200);
    } finally {
      await cli(['rule', 'remove', ruleId]);
    }
  });

  it('a bundle URL polled with ETag: a new bundle is picked up, 304s keep the current one', async () => {
    let served = { body: bundles['r1'] as Buffer, etag: '"r1"' };
    const ifNoneMatch: (string | undefined)[] = [];
    const server = http.createServer((req, res) => {
      ifNoneMatch.push(req.headers['if-none-match']);
      if (req.headers['if-none-match'] === served.etag) {
        res.writeHead(304).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/gzip', etag: served.etag }).end(served.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bundles/mlgate.tar.gz`;
      const gateway = await startExtraGateway('bundle-url', {
        MLGATE_POLICY_BUNDLE_URL: url,
        MLGATE_POLICY_POLL_INTERVAL_MS: '300',
      });
      expect(await readerStatus(gateway)).to.equal(200);
      expect((await readiness(gateway)).checks.policy).to.include({ revision: 'r1', source: url });
      await waitFor('conditional polls', () =>
        Promise.resolve(ifNoneMatch.filter((etag) => etag === '"r1"').length >= 2),
      );

      served = { body: bundles['r2'] as Buffer, etag: '"r2"' };
      await waitFor('revision r2', async () => (await readiness(gateway)).checks.policy.revision === 'r2');
      expect(await readerStatus(gateway)).to.equal(403);
      expect(ifNoneMatch[0]).to.equal(undefined);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('signed bundles: one signed with another key is refused, one signed with policy.signing_key is enforced', async () => {
    const path = join(tmp.path, 'signed.tar.gz');
    writeFileSync(path, bundles['signed-r1'] as Buffer);
    const gateway = await startExtraGateway('bundle-signed', {
      MLGATE_POLICY_BUNDLE: path,
      MLGATE_POLICY_SIGNING_KEY: keys.publicKey,
      MLGATE_POLICY_REQUIRE_SIGNATURE: 'true',
      MLGATE_POLICY_POLL_INTERVAL_MS: '1000',
    });
    expect((await readiness(gateway)).checks.policy.revision).to.equal('signed-r1');

    for (const [name, why] of [
      ['forged', 'does not verify with policy.signing_key'],
      ['r2', 'it is not signed'],
    ] as const) {
      dropInPlace(path, bundles[name] as Buffer);
      await waitFor(`${name} refused`, async () =>
        ((await readiness(gateway)).checks.policy.last_error ?? '').includes(why),
      );
      expect((await readiness(gateway)).checks.policy.revision).to.equal('signed-r1');
      expect(await readerStatus(gateway)).to.equal(200);
    }

    dropInPlace(path, bundles['signed-r2'] as Buffer);
    await waitFor('revision signed-r2', async () => (await readiness(gateway)).checks.policy.revision === 'signed-r2');
    expect(await readerStatus(gateway)).to.equal(403);
  });
});
