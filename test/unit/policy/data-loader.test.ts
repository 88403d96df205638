/**
 * Loading the policy's data a slice at a time (src/policy/data-loader.ts), which relies on internals of the
 * opa-wasm SDK: these tests pin the SDK version and check, with the shipped bundle, that a sliced load gives the
 * instance the very document, and the very decisions, the SDK's own setData gives.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setImmediate as nextTurn } from 'node:timers/promises';

import { type LoadedPolicy, loadPolicy } from '@open-policy-agent/opa-wasm';
import { expect } from 'chai';

import type { Principal } from '../../../src/auth/principal.js';
import { loadConfig } from '../../../src/config/load.js';
import { defaultBundlePath, packageRoot } from '../../../src/paths.js';
import { type PolicyBundle, readBundle } from '../../../src/policy/bundle.js';
import { groupsData, rulesData, runtimeData } from '../../../src/policy/data.js';
import {
  CHECKED_SDK_VERSION,
  type DataLoadOptions,
  installedSdkVersion,
  internalsOf,
  loadData,
} from '../../../src/policy/data-loader.js';
import { createDecisionEngine } from '../../../src/policy/engine.js';
import { type ResolvedTarget, buildPolicyInput } from '../../../src/policy/input.js';
import { storedRule } from '../../helpers/regex-rule.js';

/** Many small pieces, a yield after each: the most cutting and interleaving a load can see. */
const FINE: DataLoadOptions = { sliceMs: 0, pieceBytes: 32 };
/** The SDK's own setData (any version but the checked one takes that path). */
const SDK_SET_DATA: DataLoadOptions = { sliceMs: 0, pieceBytes: 32, sdkVersion: 'not-checked' };

function dataDocument(policy: LoadedPolicy): unknown {
  const exports = (policy.wasmInstance as WebAssembly.Instance).exports as Record<
    string,
    (...args: number[]) => number
  >;
  const address = (exports['opa_json_dump'] as (value: number) => number)(policy.dataAddr);
  const bytes = new Uint8Array(policy.mem.buffer);
  const end = bytes.indexOf(0, address);
  return JSON.parse(Buffer.from(bytes.subarray(address, end)).toString('utf8'));
}

const { config } = loadConfig({ env: { MLGATE_SERVER_MODE: 'development' } });

const rule = storedRule;

/** Runtime data with regex rules of users and groups, deny rules, priorities, an invalid rule and defined groups. */
function permissionDocument(): object {
  const base = runtimeData(config);
  const rules = [
    rule('rx-1', {}),
    rule('rx-2', { pattern: 'team-a/frozen-.*', priority: 1, permission: 'NO_PERMISSIONS' }),
    rule('rx-3', { principal: 'team-b', pattern: '(?i)SHARED/.*', permission: 'READ' }),
    rule('rx-4', { principalType: 'user', principal: 'bob', pattern: 'team-a/exp-[0-9]+', permission: 'MANAGE' }),
    rule('rx-5', { principalType: 'user', principal: 'carol', pattern: 'broken(', permission: 'READ' }),
    rule('rx-6', { principal: 'team-b', pattern: 'shared/private', priority: 0, permission: 'NO_PERMISSIONS' }),
    ...Array.from({ length: 60 }, (_, i) =>
      rule(`rx-bulk-${i}`, { principalType: 'user', principal: `user-${i}`, pattern: `bulk-${i}/.*`, priority: i }),
    ),
  ];
  return {
    ...base,
    config: { ...base.config, creators: { ...base.config.creators, experiment: ['team-a', 'team-b'] } },
    ...rulesData(rules, (pattern) => pattern !== 'broken('),
    ...groupsData([
      { name: 'team-a', description: '', creatorPermission: 'EDIT', createdAt: new Date(0), createdBy: 'test' },
      { name: 'team-b', description: '', creatorPermission: null, createdAt: new Date(0), createdBy: 'test' },
    ]),
  };
}

const principals: Principal[] = [
  { authenticated: true, username: 'alice', isAdmin: false, groups: ['team-a'], method: 'basic' },
  { authenticated: true, username: 'bob', isAdmin: false, groups: ['team-b'], method: 'basic' },
  { authenticated: true, username: 'carol', isAdmin: false, groups: [], method: 'basic' },
  { authenticated: true, username: 'user-7', isAdmin: false, groups: ['team-a', 'team-b'], method: 'basic' },
  { authenticated: true, username: 'root', isAdmin: false, groups: ['mlflow-admin'], method: 'basic' },
  { authenticated: false, username: null, isAdmin: false, groups: [], method: 'anonymous' },
];
const names = ['team-a/exp-1', 'team-a/frozen-2', 'SHARED/x', 'shared/private', 'bulk-7/y', 'team-b/z'];
const target = (name: string, i: number): ResolvedTarget => ({
  type: 'experiment',
  id: String(i + 1),
  via: 'experiment',
  ref: String(i + 1),
  exists: true,
  name,
});

describe('policy data loaded a slice at a time (opa-wasm internals)', () => {
  let bundle: PolicyBundle;
  let module: WebAssembly.Module;
  before(async () => {
    bundle = await readBundle(defaultBundlePath());
    module = await WebAssembly.compile(bundle.wasm);
  });

  it(`is checked against @open-policy-agent/opa-wasm ${CHECKED_SDK_VERSION}: re-check data-loader.ts before changing it`, () => {
    const manifest = JSON.parse(readFileSync(`${packageRoot()}/package.json`, 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(manifest.dependencies['@open-policy-agent/opa-wasm']).to.equal(CHECKED_SDK_VERSION);
    expect(installedSdkVersion()).to.equal(CHECKED_SDK_VERSION);
    // The same file the SDK's own package.json says it is.
    const require = createRequire(import.meta.url);
    expect(require.resolve('@open-policy-agent/opa-wasm')).to.match(/opa-wasm[/\\]src[/\\]index\.cjs$/);
  });

  it('finds the internals it needs on an instance of the SDK', async () => {
    const policy = await loadPolicy(module);
    const internals = internalsOf(policy);
    expect(internals).to.not.equal(null);
    expect(internals?.baseHeapPtr).to.equal(policy.dataHeapPtr);
  });

  it('gives the instance the same data document as the SDK setData, at the same place', async () => {
    const document = { ...bundle.data, ...permissionDocument() };
    const sliced = await loadPolicy(module);
    const report = await loadData(sliced, document, FINE);
    const whole = await loadPolicy(module);
    whole.setData(document);
    expect(report.sliced).to.equal(true);
    expect(report.pieces).to.be.greaterThan(100);
    expect(report.slices).to.be.greaterThan(report.pieces / 2);
    expect(dataDocument(sliced)).to.deep.equal(dataDocument(whole));
    expect(JSON.stringify(dataDocument(sliced))).to.equal(JSON.stringify(dataDocument(whole)));
    // The document starts where the SDK puts it, and evaluations allocate after it.
    expect(sliced.dataAddr).to.be.at.least(sliced.baseHeapPtr as number);
    expect(sliced.dataHeapPtr as number).to.be.greaterThan(sliced.dataAddr);
  });

  it('decides every case of a table as the SDK setData does, and keeps deciding so', async () => {
    const slicedEngine = createDecisionEngine({ dataLoad: FINE });
    const sdkEngine = createDecisionEngine({ dataLoad: SDK_SET_DATA });
    const document = permissionDocument();
    expect((await slicedEngine.load(bundle, document)).sliced).to.equal(true);
    expect((await sdkEngine.load(bundle, document)).sliced).to.equal(false);
    let allowed = 0;
    let cases = 0;
    // Three rounds: the heap is reset after each evaluation, over the data the loader placed.
    for (let round = 0; round < 3; round++) {
      for (const principal of principals) {
        for (const operation of ['GetExperiment', 'UpdateExperiment', 'DeleteExperiment', 'CreateExperiment']) {
          for (const [i, name] of names.entries()) {
            const input = buildPolicyInput({
              principal,
              operation,
              targets: operation === 'CreateExperiment' ? [] : [target(name, i)],
              grants: new Map(),
              method: 'POST',
              path: '/',
              now: new Date(0),
            });
            const decision = slicedEngine.decide(input);
            expect(decision, `${principal.username} ${operation} ${name}`).to.deep.equal(sdkEngine.decide(input));
            allowed += decision.allow ? 1 : 0;
            cases += 1;
          }
        }
        const search = buildPolicyInput({
          principal,
          operation: 'SearchExperiments',
          targets: names.map(target),
          grants: new Map(),
          method: 'POST',
          path: '/',
          now: new Date(0),
        });
        expect([...slicedEngine.visible(search)].sort()).to.deep.equal([...sdkEngine.visible(search)].sort());
      }
    }
    // The table has both answers (a table of refusals would compare nothing).
    expect(allowed).to.be.greaterThan(cases / 10);
    expect(cases - allowed).to.be.greaterThan(cases / 10);
  });

  it('yields to other work between slices', async () => {
    const policy = await loadPolicy(module);
    let ranDuring = 0;
    let done = false;
    const other = (async () => {
      while (!done) {
        ranDuring += 1;
        await nextTurn();
      }
    })();
    const report = await loadData(policy, permissionDocument(), { sliceMs: 0, pieceBytes: 64 });
    done = true;
    await other;
    expect(report.slices).to.be.greaterThan(10);
    expect(ranDuring).to.be.at.least(report.slices - 1);
  });

  it('measures its own slices (the longest one is what a request may wait)', async () => {
    let clock = 0;
    let cpu = 0;
    // Each reading of the clock moves it by 0.4 ms: a slice ends after its third piece (0.4, 0.8, 1.2 ms), and
    // its end is read 0.4 ms later. The CPU time, read at a slice's start and end, moves by 0.3 ms a reading.
    const report = await loadData(await loadPolicy(module), permissionDocument(), {
      sliceMs: 1,
      pieceBytes: 64,
      clock: { now: () => (clock += 0.4), cpuMs: () => (cpu += 0.3) },
    });
    expect(report.longestMs).to.be.closeTo(1.6, 1e-9);
    expect(report.longestWorkMs).to.be.closeTo(0.3, 1e-9);
    expect(report.slices).to.equal(Math.ceil(report.pieces / 3) + (report.pieces % 3 === 0 ? 1 : 0));
  });

  it('uses the SDK setData with another SDK version (correct, in one slice)', async () => {
    const policy = await loadPolicy(module);
    const report = await loadData(policy, permissionDocument(), SDK_SET_DATA);
    expect(report).to.include({ sliced: false, slices: 1 });
    expect(dataDocument(policy)).to.deep.equal(JSON.parse(JSON.stringify(permissionDocument())));
  });

  it('uses the SDK setData on an instance without the internals it needs', async () => {
    const policy = await loadPolicy(module);
    // No data address (setData sets its own).
    const bare = Object.assign(Object.create(Object.getPrototypeOf(policy) as object) as LoadedPolicy, policy, {
      dataAddr: undefined,
    });
    expect(internalsOf(bare)).to.equal(null);
    const report = await loadData(bare, permissionDocument());
    expect(report.sliced).to.equal(false);
    expect(dataDocument(bare)).to.deep.equal(JSON.parse(JSON.stringify(permissionDocument())));
  });
});
