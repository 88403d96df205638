/**
 * Policy bundles for GitOps, with real bundles built by opa: a watched file picks up a bundle put in its place, a
 * URL polled with ETag picks up a new one, and a broken, oversized or badly signed bundle is refused while the last
 * good one keeps deciding. Decisions are observed through a bundle that refuses one user.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

import { expect } from 'chai';

import type { Principal } from '../../src/auth/principal.js';
import { loadConfig } from '../../src/config/load.js';
import { MlgateError } from '../../src/errors.js';
import { createLogger, silentLogger } from '../../src/logging.js';
import { createBundleActivator } from '../../src/policy/activation.js';
import { unpackBundle } from '../../src/policy/bundle.js';
import { runtimeData } from '../../src/policy/data.js';
import { type PolicySnapshot, createDecisionEngine } from '../../src/policy/engine.js';
import { createFileSource } from '../../src/policy/source/file-source.js';
import { buildPolicyInput } from '../../src/policy/input.js';
import { type RunningPolicy, startPolicy } from '../../src/policy/start-policy.js';
import { buildGatewayBundle, writeKeyPair } from '../helpers/policy-bundle.js';
import { tempDir } from '../helpers/tmp.js';

const bob: Principal = { authenticated: true, username: 'bob', isAdmin: false, groups: [], method: 'basic' };

/** Bob asks to list experiments: allowed by the shipped policy, refused by a bundle built with refuseUser "bob". */
function bobMayList(policy: PolicySnapshot): boolean {
  return policy.decide(
    buildPolicyInput({
      principal: bob,
      operation: 'SearchExperiments',
      targets: [],
      grants: new Map(),
      method: 'POST',
      path: '/api/2.0/mlflow/experiments/search',
      now: new Date(),
    }),
  ).allow;
}

async function waitFor(what: string, check: () => boolean, limitMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('policy bundle sources (real opa bundles)', function () {
  this.timeout(120_000);
  const tmp = tempDir('bundle-sources');
  const bundles: Record<string, Buffer> = {};
  let keys: ReturnType<typeof writeKeyPair>;
  let otherKeys: ReturnType<typeof writeKeyPair>;
  let logs: Record<string, unknown>[];
  const running: RunningPolicy[] = [];

  before(async () => {
    keys = writeKeyPair(tmp.path, 'ci');
    otherKeys = writeKeyPair(tmp.path, 'other');
    const build = async (name: string, options: Parameters<typeof buildGatewayBundle>[2]) => {
      bundles[name] = readFileSync(await buildGatewayBundle(tmp.path, name, options));
    };
    await build('r1', { revision: 'r1' });
    await build('r2', { revision: 'r2', refuseUser: 'bob' });
    await build('r3', { revision: 'r3' });
    await build('signed-r1', { revision: 'signed-r1', signingKey: keys.privateKey });
    await build('signed-r2', { revision: 'signed-r2', refuseUser: 'bob', signingKey: keys.privateKey });
    await build('other-key', { revision: 'other-key', refuseUser: 'bob', signingKey: otherKeys.privateKey });
  });
  beforeEach(() => {
    logs = [];
  });
  afterEach(() => {
    for (const policy of running.splice(0)) policy.stop();
  });
  after(() => tmp.remove());

  async function start(env: Record<string, string>): Promise<RunningPolicy> {
    const { config } = loadConfig({ env: { MLGATE_SERVER_MODE: 'development', ...env } });
    const logger = createLogger({
      level: 'info',
      format: 'json',
      write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>),
    });
    const policy = await startPolicy(config, { logger, runtimeData: () => runtimeData(config) });
    running.push(policy);
    policy.start();
    return policy;
  }

  /** Puts a bundle in place as a deploy would: written aside, then renamed over the watched file. */
  function dropInPlace(path: string, bytes: Buffer): void {
    writeFileSync(`${path}.tmp`, bytes);
    renameSync(`${path}.tmp`, path);
  }

  const revision = (policy: RunningPolicy) => policy.engine.status().revision;
  const refusals = () =>
    logs.filter((line) => line['msg'] === 'policy bundle refused; the last good one keeps deciding');

  describe('a watched bundle file', () => {
    it('activates a bundle put in place without a restart, and the decisions change', async () => {
      const path = join(tmp.path, 'watched.tar.gz');
      writeFileSync(path, bundles['r1'] as Buffer);
      const policy = await start({ MLGATE_POLICY_BUNDLE: path, MLGATE_POLICY_POLL_INTERVAL_MS: '60000' });
      expect(revision(policy)).to.equal('r1');
      expect(bobMayList(policy.engine.snapshot())).to.equal(true);

      dropInPlace(path, bundles['r2'] as Buffer);
      await waitFor('revision r2', () => revision(policy) === 'r2');
      expect(bobMayList(policy.engine.snapshot())).to.equal(false);
      expect(logs.some((l) => l['msg'] === 'policy bundle activated' && l['revision'] === 'r2')).to.equal(true);

      // Written in place (same inode), not renamed: seen as well.
      writeFileSync(path, bundles['r1'] as Buffer);
      await waitFor('revision r1 again', () => revision(policy) === 'r1');
      expect(bobMayList(policy.engine.snapshot())).to.equal(true);
    });

    it('notices a change by its periodic stat alone, where file-system events are lost', async () => {
      const path = join(tmp.path, 'no-events.tar.gz');
      writeFileSync(path, bundles['r1'] as Buffer);
      const engine = createDecisionEngine();
      const activator = createBundleActivator({
        engine,
        runtimeData: () => ({}),
        signatures: { key: null, required: false, scope: '' },
        logger: silentLogger,
      });
      const source = createFileSource({
        path,
        maxBytes: 64 << 20,
        intervalMs: 200,
        debounceMs: 50,
        sink: activator,
        events: false,
      });
      await activator.activate(await source.readCurrent(), path);
      source.start();
      try {
        await sleep(150); // past the check start() makes, so only the periodic stat can notice what follows
        dropInPlace(path, bundles['r3'] as Buffer);
        await waitFor('revision r3', () => engine.status().revision === 'r3');
      } finally {
        source.stop();
      }
    });

    it('never activates a half-written bundle; the complete one is activated once written', async () => {
      const path = join(tmp.path, 'half.tar.gz');
      writeFileSync(path, bundles['r1'] as Buffer);
      const policy = await start({ MLGATE_POLICY_BUNDLE: path, MLGATE_POLICY_POLL_INTERVAL_MS: '60000' });
      const whole = bundles['r2'] as Buffer;
      writeFileSync(path, whole.subarray(0, Math.floor(whole.length / 2)));
      await sleep(800);
      expect(revision(policy)).to.equal('r1');
      expect(refusals()).to.have.length(1); // read, found incomplete, refused
      expect(bobMayList(policy.engine.snapshot())).to.equal(true);
      writeFileSync(path, whole);
      await waitFor('revision r2', () => revision(policy) === 'r2');
    });

    it('refuses a corrupt bundle (garbage, no policy.wasm, a broken wasm) and keeps deciding with the last good one', async () => {
      const path = join(tmp.path, 'corrupt.tar.gz');
      writeFileSync(path, bundles['r1'] as Buffer);
      const policy = await start({ MLGATE_POLICY_BUNDLE: path, MLGATE_POLICY_POLL_INTERVAL_MS: '60000' });
      const corrupt = [
        randomBytes(4096),
        gzipSync(randomBytes(4096)),
        gzipSync(Buffer.alloc(1024)), // an empty tar: no policy.wasm
        brokenWasm(bundles['r2'] as Buffer),
      ];
      for (const [index, bytes] of corrupt.entries()) {
        dropInPlace(path, bytes);
        await waitFor(`refusal ${index + 1}`, () => refusals().length === index + 1);
        expect(revision(policy)).to.equal('r1');
        expect(bobMayList(policy.engine.snapshot())).to.equal(true);
        expect(policy.activator.activity().lastError).to.be.a('string');
      }
      expect(refusals()[3]?.['error']).to.match(/not a valid OPA WebAssembly module/);
      expect(refusals()[0]).to.include({ active_revision: 'r1', source: path });
      dropInPlace(path, bundles['r2'] as Buffer);
      await waitFor('revision r2', () => revision(policy) === 'r2');
      expect(policy.activator.activity().lastError).to.equal(null);
    });

    it('refuses a bundle larger than policy.max_bundle_bytes unpacked', async () => {
      const path = join(tmp.path, 'large.tar.gz');
      writeFileSync(path, bundles['r1'] as Buffer);
      const limit = 2 * (bundles['r1'] as Buffer).length;
      const policy = await start({
        MLGATE_POLICY_BUNDLE: path,
        MLGATE_POLICY_MAX_BUNDLE_BYTES: String(Math.max(limit, 64 * 1024 * 8)),
        MLGATE_POLICY_POLL_INTERVAL_MS: '60000',
      });
      // A gzip bomb: tiny on disk, far larger than the limit once inflated.
      dropInPlace(path, gzipSync(Buffer.alloc(64 * 1024 * 1024)));
      await waitFor('a refusal', () => refusals().length === 1);
      expect(refusals()[0]?.['error']).to.include('policy.max_bundle_bytes');
      expect(revision(policy)).to.equal('r1');
    });
  });

  describe('a watched bundle directory', () => {
    it('activates the files put in it once they settle', async () => {
      const dir = join(tmp.path, 'dir-bundle');
      unpackInto(dir, bundles['r1'] as Buffer);
      const policy = await start({ MLGATE_POLICY_BUNDLE: dir, MLGATE_POLICY_POLL_INTERVAL_MS: '60000' });
      expect(revision(policy)).to.equal('r1');
      unpackInto(dir, bundles['r2'] as Buffer);
      await waitFor('revision r2', () => revision(policy) === 'r2');
      expect(bobMayList(policy.engine.snapshot())).to.equal(false);
    });
  });

  describe('a Kubernetes volume (files reached through links swapped atomically)', () => {
    it('follows the links, leaves the versioned copies out, and activates the swapped version', async () => {
      const dir = join(tmp.path, 'volume');
      mkdirSync(dir);
      // What kubelet's atomic writer does for a ConfigMap or Secret volume: ..<version>/ holds the files, ..data
      // links to it, and each key is a link through ..data; an update writes a new version and renames ..data.
      const version = (name: string, bundle: Buffer) => {
        for (const [file, bytes] of unpackBundle(bundle, 'test')) {
          if (file.split('/').length === 2) {
            mkdirSync(join(dir, name), { recursive: true });
            writeFileSync(join(dir, name, file), bytes);
          }
        }
        symlinkSync(name, join(dir, '..data_tmp'));
        renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
      };
      version('..v1', bundles['r1'] as Buffer);
      for (const file of ['policy.wasm', 'data.json', '.manifest']) {
        symlinkSync(join('..data', file), join(dir, file));
      }
      const policy = await start({ MLGATE_POLICY_BUNDLE: dir, MLGATE_POLICY_POLL_INTERVAL_MS: '60000' });
      expect(revision(policy)).to.equal('r1');
      version('..v2', bundles['r2'] as Buffer);
      await waitFor('revision r2', () => revision(policy) === 'r2');
      expect(bobMayList(policy.engine.snapshot())).to.equal(false);
    });
  });

  describe('signed bundles', () => {
    it('activates bundles signed with policy.signing_key and refuses unsigned or otherwise signed ones', async () => {
      const path = join(tmp.path, 'signed.tar.gz');
      writeFileSync(path, bundles['signed-r1'] as Buffer);
      const policy = await start({
        MLGATE_POLICY_BUNDLE: path,
        MLGATE_POLICY_SIGNING_KEY: keys.publicKey,
        MLGATE_POLICY_REQUIRE_SIGNATURE: 'true',
        MLGATE_POLICY_POLL_INTERVAL_MS: '60000',
      });
      expect(revision(policy)).to.equal('signed-r1');
      dropInPlace(path, bundles['r2'] as Buffer);
      await waitFor('refusal of the unsigned bundle', () => refusals().length === 1);
      expect(refusals()[0]?.['error']).to.include('it is not signed');
      dropInPlace(path, bundles['other-key'] as Buffer);
      await waitFor('refusal of the bundle signed with another key', () => refusals().length === 2);
      expect(refusals()[1]?.['error']).to.include('does not verify with policy.signing_key');
      expect(revision(policy)).to.equal('signed-r1');
      expect(bobMayList(policy.engine.snapshot())).to.equal(true);
      dropInPlace(path, bundles['signed-r2'] as Buffer);
      await waitFor('revision signed-r2', () => revision(policy) === 'signed-r2');
      expect(bobMayList(policy.engine.snapshot())).to.equal(false);
      expect(logs.find((l) => l['revision'] === 'signed-r2')).to.include({ signature: 'verified', key_id: 'default' });
    });

    it('does not start with a badly signed first bundle, nor with require_signature and no key', async () => {
      const path = join(tmp.path, 'first.tar.gz');
      writeFileSync(path, bundles['other-key'] as Buffer);
      await expectStartRefused(
        { MLGATE_POLICY_BUNDLE: path, MLGATE_POLICY_SIGNING_KEY: keys.publicKey },
        'does not verify with policy.signing_key',
      );
      await expectStartRefused({ MLGATE_POLICY_BUNDLE: path }, 'no policy.signing_key is configured');
      await expectStartRefused({ MLGATE_POLICY_REQUIRE_SIGNATURE: 'true' }, 'policy.signing_key is empty');
    });
  });

  describe('a bundle URL polled with ETag', () => {
    let server: http.Server;
    let url: string;
    let served: { body: Buffer; etag: string | null; status: number; chunked?: boolean };
    let requests: { ifNoneMatch: string | undefined; authorization: string | undefined }[];

    before(async () => {
      server = http.createServer((req, res) => {
        requests.push({ ifNoneMatch: req.headers['if-none-match'], authorization: req.headers.authorization });
        if (served.etag !== null && req.headers['if-none-match'] === served.etag) {
          res.writeHead(304).end();
          return;
        }
        const headers: Record<string, string> = { 'content-type': 'application/gzip' };
        if (served.etag !== null) headers['etag'] = served.etag;
        if (served.chunked !== true) headers['content-length'] = String(served.body.length);
        res.writeHead(served.status, headers).end(served.body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bundles/mlgate.tar.gz`;
    });
    beforeEach(() => {
      requests = [];
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('polls with If-None-Match, keeps the bundle on 304 and activates a new one', async () => {
      served = { body: bundles['r1'] as Buffer, etag: '"r1"', status: 200 };
      const policy = await start({ MLGATE_POLICY_BUNDLE_URL: url, MLGATE_POLICY_POLL_INTERVAL_MS: '150' });
      expect(revision(policy)).to.equal('r1');
      expect(requests[0]?.ifNoneMatch).to.equal(undefined);
      await waitFor('two polls answered 304', () => requests.length >= 3);
      expect(requests.slice(1).every((r) => r.ifNoneMatch === '"r1"')).to.equal(true);
      expect(logs.filter((l) => l['msg'] === 'policy bundle activated')).to.have.length(1);

      served = { body: bundles['r2'] as Buffer, etag: '"r2"', status: 200 };
      await waitFor('revision r2', () => revision(policy) === 'r2');
      expect(bobMayList(policy.engine.snapshot())).to.equal(false);
      const after = requests.length;
      await waitFor('a poll after r2', () => requests.length > after);
      expect(requests.at(-1)?.ifNoneMatch).to.equal('"r2"');
    });

    it('keeps the last good bundle on a server error, a corrupt or an oversized download', async () => {
      served = { body: bundles['r1'] as Buffer, etag: '"r1"', status: 200 };
      const policy = await start({
        MLGATE_POLICY_BUNDLE_URL: url,
        MLGATE_POLICY_POLL_INTERVAL_MS: '150',
        MLGATE_POLICY_MAX_BUNDLE_BYTES: String(4 * 1024 * 1024),
      });
      served = { body: Buffer.from('unavailable'), etag: null, status: 503 };
      await waitFor('refusal of the 503', () => refusals().length >= 1);
      expect(refusals()[0]?.['error']).to.include('the server answered HTTP 503');
      served = { body: randomBytes(2048), etag: '"junk"', status: 200 };
      await waitFor('refusal of the corrupt download', () =>
        refusals().some((l) => /incorrect header|gzip|tar/.test(String(l['error']))),
      );
      for (const chunked of [false, true]) {
        logs.length = 0;
        served = { body: randomBytes(5 * 1024 * 1024), etag: '"large"', status: 200, chunked };
        await waitFor('refusal of the oversized download', () =>
          refusals().some((l) => String(l['error']).includes('larger than 4194304 bytes')),
        );
      }
      expect(revision(policy)).to.equal('r1');
      expect(bobMayList(policy.engine.snapshot())).to.equal(true);
      // A refused bundle's ETag is not remembered: the next good one is fetched whole.
      served = { body: bundles['r3'] as Buffer, etag: '"r3"', status: 200 };
      await waitFor('revision r3', () => revision(policy) === 'r3');
    });

    it('sends credentials in the URL as HTTP Basic, and keeps them out of logs and readiness', async () => {
      served = { body: bundles['r1'] as Buffer, etag: '"r1"', status: 200 };
      const withCredentials = url.replace('http://', 'http://ci:s%40cret@');
      const policy = await start({
        MLGATE_POLICY_BUNDLE_URL: withCredentials,
        MLGATE_POLICY_POLL_INTERVAL_MS: '60000',
      });
      expect(requests[0]?.authorization).to.equal('Basic ' + Buffer.from('ci:s@cret').toString('base64'));
      expect(policy.engine.status().source).to.not.include('s%40cret');
      expect(JSON.stringify(logs)).to.not.include('s%40cret');
    });

    it('does not start when the first download fails', async () => {
      served = { body: Buffer.from('nope'), etag: null, status: 404 };
      await expectStartRefused({ MLGATE_POLICY_BUNDLE_URL: url }, 'the server answered HTTP 404');
      await expectStartRefused({ MLGATE_POLICY_BUNDLE_URL: 'file:///etc/passwd' }, 'http:// or https://');
    });
  });

  it('gives each request one snapshot: a bundle swapped meanwhile does not change its decisions', async () => {
    const path = join(tmp.path, 'snapshot.tar.gz');
    writeFileSync(path, bundles['r1'] as Buffer);
    const policy = await start({ MLGATE_POLICY_BUNDLE: path, MLGATE_POLICY_POLL_INTERVAL_MS: '60000' });
    const before = policy.engine.snapshot();
    dropInPlace(path, bundles['r2'] as Buffer);
    await waitFor('revision r2', () => revision(policy) === 'r2');
    expect(before.revision).to.equal('r1');
    expect(bobMayList(before)).to.equal(true);
    const afterSwap = policy.engine.snapshot();
    expect(afterSwap.revision).to.equal('r2');
    expect(bobMayList(afterSwap)).to.equal(false);
  });

  async function expectStartRefused(env: Record<string, string>, fragment: string): Promise<void> {
    try {
      await start(env);
    } catch (error) {
      expect(error).to.be.instanceOf(MlgateError);
      expect((error as Error).message).to.include(fragment);
      return;
    }
    expect.fail(`expected the start to be refused (${fragment})`);
  }
});

/** Writes a bundle's files into a directory, as an unpacked bundle (opa build output extracted). */
function unpackInto(dir: string, bundle: Buffer): void {
  for (const [name, bytes] of unpackBundle(bundle, 'test')) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
}

/** A real bundle whose policy.wasm is overwritten past its header: the archive is sound, the module is not. */
function brokenWasm(bundle: Buffer): Buffer {
  const tar = gunzipSync(bundle);
  const marker = tar.indexOf(Buffer.from([0x00, 0x61, 0x73, 0x6d]));
  tar.fill(0xff, marker + 8, marker + 4096);
  return gzipSync(tar);
}
