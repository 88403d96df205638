import { expect } from 'chai';

import type { Principal } from '../../../src/auth/principal.js';
import { MlgateError } from '../../../src/errors.js';
import { defaultBundlePath } from '../../../src/paths.js';
import { type PolicyBundle, readBundle } from '../../../src/policy/bundle.js';
import { createDecisionEngine } from '../../../src/policy/engine.js';
import { type PolicyInput, buildPolicyInput, grantsKey } from '../../../src/policy/input.js';
import { buildWasmBundle } from '../../helpers/opa.js';
import { tempDir } from '../../helpers/tmp.js';
import { memoriesMade } from '../../helpers/wasm-memories.js';

const DATA = { config: { default_permission: 'NO_PERMISSIONS', admin_groups: ['mlflow-admin'] } };

const alice: Principal = {
  authenticated: true,
  username: 'alice',
  isAdmin: false,
  groups: ['team-a'],
  method: 'basic',
};

function input(operation: string | null, user: string | null, principal: Principal = alice): PolicyInput {
  return buildPolicyInput({
    principal,
    operation,
    targets: [{ type: 'experiment', id: '1', via: 'run', ref: 'r1', exists: true }],
    grants: new Map([[grantsKey('experiment', '1'), { user: user as never, groups: {} }]]),
    method: 'POST',
    path: '/api/2.0/mlflow/runs/log-metric',
    now: new Date(0),
  });
}

function expectCode(run: () => unknown, code: string, status: number): void {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(MlgateError);
    expect((error as MlgateError).code).to.equal(code);
    expect((error as MlgateError).status).to.equal(status);
    return;
  }
  expect.fail(`expected ${code}`);
}

describe('decision engine (opa-wasm)', () => {
  let shipped: PolicyBundle;
  const fixtures = tempDir('engine');

  before(async () => {
    shipped = await readBundle(defaultBundlePath());
  });
  after(() => fixtures.remove());

  it('decides with the shipped bundle: EDIT may log a metric, READ may not', async () => {
    const engine = createDecisionEngine();
    await engine.load(shipped, DATA);
    expect(engine.decide(input('LogMetric', 'EDIT'))).to.include({ allow: true });
    const denied = engine.decide(input('LogMetric', 'READ'));
    expect(denied.allow).to.be.false;
    expect(denied.reasons).to.deep.equal(['no-permission']);
    expect(denied.checks[0]).to.deep.include({ id: '1', required: 'EDIT', permission: 'READ', satisfied: false });
  });

  it('applies the runtime data: admin groups and the default permission', async () => {
    const engine = createDecisionEngine();
    await engine.load(shipped, { config: { default_permission: 'READ', admin_groups: ['team-a'] } });
    expect(engine.decide(input('DeleteExperiment', null)).reasons).to.deep.equal(['admin']);
    const other = createDecisionEngine();
    await other.load(shipped, { config: { default_permission: 'READ', admin_groups: [] } });
    expect(other.decide(input('GetRun', null)).reasons).to.deep.equal(['grant:default']);
  });

  it('refuses malformed input in WebAssembly as in Rego (input-invalid, never allowed)', async () => {
    const engine = createDecisionEngine();
    await engine.load(shipped, DATA);
    const good = input('GetRun', 'MANAGE');
    const malformed: unknown[] = [
      { ...good, targets: null },
      { ...good, targets: [{ ...good.targets[0], exists: undefined }] },
      { ...good, targets: [{ ...good.targets[0], grants: { user: 4, groups: {} } }] },
      { ...good, principal: { ...good.principal, groups: { x: 'mlflow-admin' } } },
      { principal: good.principal, operation: 'GetRun' },
    ];
    for (const bad of malformed) {
      const decision = engine.decide(bad as PolicyInput);
      expect(decision.allow, JSON.stringify(bad)).to.be.false;
      expect(decision.reasons, JSON.stringify(bad)).to.include('input-invalid');
    }
  });

  it('answers visibility queries', async () => {
    const engine = createDecisionEngine();
    await engine.load(shipped, DATA);
    expect([...engine.visible(input('SearchExperiments', 'READ'))]).to.deep.equal(['1']);
    expect([...engine.visible(input('SearchExperiments', null))]).to.deep.equal([]);
  });

  it('answers which resources are readable only when every target of theirs is (visible_resources)', async () => {
    const engine = createDecisionEngine();
    await engine.load(shipped, DATA);
    const linked = (ref: string, id: string) => ({
      type: 'experiment' as const,
      id,
      via: 'dataset' as const,
      ref,
      exists: true,
    });
    const datasets = buildPolicyInput({
      principal: alice,
      operation: 'SearchEvaluationDatasets',
      targets: [linked('d-1', '1'), linked('d-12', '1'), linked('d-12', '2'), linked('d-2', '2')],
      grants: new Map([[grantsKey('experiment', '1'), { user: 'READ', groups: {} }]]),
      method: 'POST',
      path: '/api/3.0/mlflow/datasets/search',
      now: new Date(0),
    });
    expect([...engine.snapshot().visibleResources(datasets)]).to.deep.equal(['d-1']);
  });

  it('loads a bundle without visible_resources, and refuses only what needs it (503 MLGATE_POLICY_ERROR)', async () => {
    const rego = [
      'package mlgate.authz',
      'decision := {"allow": true, "reasons": ["authenticated"], "obligations": [], "checks": []}',
      'visible contains t.id if some t in input.targets',
    ].join('\n\n');
    const path = await buildWasmBundle(fixtures.path + '/older', rego, [
      'mlgate/authz/decision',
      'mlgate/authz/visible',
    ]);
    const engine = createDecisionEngine();
    await engine.load(await readBundle(path), DATA);
    expect(engine.decide(input('GetRun', 'READ')).allow).to.be.true;
    expectCode(
      () => engine.snapshot().visibleResources(input('SearchEvaluationDatasets', 'READ')),
      'MLGATE_POLICY_ERROR',
      503,
    );
  });

  it('reports the bundle revision once loaded', async () => {
    const engine = createDecisionEngine();
    expect(engine.status().loaded).to.be.false;
    await engine.load(shipped, DATA);
    expect(engine.status()).to.include({ loaded: true });
    expect(engine.status().revision).to.match(/^sha256:[0-9a-f]{16}$/);
  });

  it('installs a bundle with data given while it loaded, not with the older data it started with', async () => {
    // Small slices: the load spans many event-loop turns, and live data changes meanwhile.
    const engine = createDecisionEngine({ dataLoad: { sliceMs: 0, pieceBytes: 64 } });
    const before = { config: { default_permission: 'NO_PERMISSIONS', admin_groups: [] } };
    const after = { config: { default_permission: 'READ', admin_groups: [] } };
    await engine.load(shipped, before);
    const loading = engine.load({ ...shipped, revision: 'next' }, before);
    await new Promise((resolve) => setImmediate(resolve));
    const changing = engine.setData(after);
    await Promise.all([loading, changing]);
    expect(engine.status().revision).to.equal('next');
    expect(engine.decide(input('GetRun', null)).reasons).to.deep.equal(['grant:default']);
  });

  it('keeps the newest data when two data changes overlap', async () => {
    const engine = createDecisionEngine({ dataLoad: { sliceMs: 0, pieceBytes: 64 } });
    await engine.load(shipped, DATA);
    // The first change is slower (more data to load), so it finishes after the second.
    const bulky = { ...DATA, padding: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i])) };
    const first = engine.setData(bulky);
    const second = engine.setData({ config: { default_permission: 'READ', admin_groups: [] } });
    await Promise.all([first, second]);
    expect(engine.decide(input('GetRun', null)).reasons).to.deep.equal(['grant:default']);
  });

  it('keeps the newest data when the older of two overlapping changes finishes first', async () => {
    const engine = createDecisionEngine({ dataLoad: { sliceMs: 0, pieceBytes: 64 } });
    await engine.load(shipped, DATA);
    // The second change is slower (more data to load), so the first one is installed before it finishes.
    const first = engine.setData(DATA);
    const bulky = {
      config: { default_permission: 'READ', admin_groups: [] },
      padding: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i])),
    };
    const second = engine.setData(bulky);
    await first;
    expect(engine.decide(input('GetRun', null)).reasons, 'the first change, installed').to.deep.equal([
      'no-permission',
    ]);
    await second;
    expect(engine.decide(input('GetRun', null)).reasons).to.deep.equal(['grant:default']);
  });

  it('denies with 503 MLGATE_POLICY_UNAVAILABLE while no policy is loaded', () => {
    const engine = createDecisionEngine();
    expectCode(() => engine.decide(input('GetRun', 'MANAGE')), 'MLGATE_POLICY_UNAVAILABLE', 503);
    expectCode(() => engine.visible(input('SearchExperiments', 'MANAGE')), 'MLGATE_POLICY_UNAVAILABLE', 503);
  });

  it('refuses a bundle whose policy.wasm is not WebAssembly, and stays unloaded', async () => {
    const engine = createDecisionEngine();
    const broken: PolicyBundle = { ...shipped, wasm: Buffer.from('not wasm at all'), source: 'broken.tar.gz' };
    try {
      await engine.load(broken, DATA);
      expect.fail('load should fail');
    } catch (error) {
      expect((error as MlgateError).code).to.equal('MLGATE_POLICY_UNAVAILABLE');
      expect((error as Error).message).to.include('broken.tar.gz');
    }
    expectCode(() => engine.decide(input('GetRun', 'MANAGE')), 'MLGATE_POLICY_UNAVAILABLE', 503);
  });

  it('keeps the last good policy when a new one fails to load', async () => {
    const engine = createDecisionEngine();
    await engine.load(shipped, DATA);
    await engine.load({ ...shipped, wasm: Buffer.alloc(8) }, DATA).catch(() => undefined);
    expect(engine.decide(input('GetRun', 'READ')).allow).to.be.true;
  });

  it('refuses a bundle without the mlgate entrypoints', async () => {
    const path = await buildWasmBundle(fixtures.path + '/other', 'package other\n\nallow := true\n', ['other/allow']);
    const engine = createDecisionEngine();
    try {
      await engine.load(await readBundle(path), DATA);
      expect.fail('load should fail');
    } catch (error) {
      expect((error as MlgateError).code).to.equal('MLGATE_POLICY_UNAVAILABLE');
      expect((error as Error).message).to.include('has no entrypoint mlgate/authz/decision (it has: other/allow)');
    }
  });

  it('denies with 503 MLGATE_POLICY_ERROR when evaluation throws', async () => {
    // time.now_ns is not available to wasm policies in the npm SDK: evaluation throws.
    const rego = [
      'package mlgate.authz',
      '',
      'decision := {"allow": true, "reasons": [sprintf("%d", [time.now_ns()])]}',
      '',
      'visible contains "x" if time.now_ns() > 0',
    ].join('\n');
    const path = await buildWasmBundle(fixtures.path + '/throws', rego, [
      'mlgate/authz/decision',
      'mlgate/authz/visible',
    ]);
    const engine = createDecisionEngine();
    await engine.load(await readBundle(path), DATA);
    expectCode(() => engine.decide(input('GetRun', 'MANAGE')), 'MLGATE_POLICY_ERROR', 503);
    expectCode(() => engine.visible(input('SearchExperiments', 'MANAGE')), 'MLGATE_POLICY_ERROR', 503);
  });

  it('denies with 503 MLGATE_POLICY_ERROR when the decision is malformed', async () => {
    const cases = [
      'decision := "allow"',
      'decision := {"allow": "yes", "reasons": []}',
      'decision := {"allow": false, "reasons": []}',
      'decision := {"allow": true, "reasons": [1]}',
    ];
    for (const [i, line] of cases.entries()) {
      const rego = `package mlgate.authz\n\n${line}\n\nvisible contains "x"\n`;
      const path = await buildWasmBundle(`${fixtures.path}/malformed-${i}`, rego, [
        'mlgate/authz/decision',
        'mlgate/authz/visible',
      ]);
      const engine = createDecisionEngine();
      await engine.load(await readBundle(path), DATA);
      expectCode(() => engine.decide(input('GetRun', 'MANAGE')), 'MLGATE_POLICY_ERROR', 503);
    }
  });

  it('denies with 503 MLGATE_POLICY_ERROR when the decision is undefined', async () => {
    const rego =
      'package mlgate.authz\n\ndecision := {"allow": true, "reasons": []} if input.never\n\nvisible contains "x"\n';
    const path = await buildWasmBundle(fixtures.path + '/undefined', rego, [
      'mlgate/authz/decision',
      'mlgate/authz/visible',
    ]);
    const engine = createDecisionEngine();
    await engine.load(await readBundle(path), DATA);
    expectCode(() => engine.decide(input('GetRun', 'MANAGE')), 'MLGATE_POLICY_ERROR', 503);
  });
});

describe('decision engine: the memory of a new instance', () => {
  /** Data large enough to grow a memory of the SDK's default 5 pages (320 KiB) several times. */
  const bigData = {
    ...DATA,
    filler: Object.fromEntries(Array.from({ length: 4_000 }, (_, i) => [`key-${i}`, { text: 'x'.repeat(100), i }])),
  };
  const PAGE = 64 * 1024;

  it('starts large enough for the data of the instance it replaces, so loading the same data does not grow it', async () => {
    const bundle = await readBundle(defaultBundlePath());
    const engine = createDecisionEngine();
    const [first] = await memoriesMade(() => engine.load(bundle, bigData));
    expect(first?.initial).to.equal(5);
    const grown = (first?.memory.buffer.byteLength ?? 0) / PAGE;
    expect(grown, 'the data grew the first memory').to.be.greaterThan(5);
    const [second] = await memoriesMade(() => engine.setData(bigData));
    expect(second?.initial).to.be.within(grown, grown + 2);
    expect((second?.memory.buffer.byteLength ?? 0) / PAGE, 'no growth while loading').to.equal(second?.initial);
    // Still decides, from the new data.
    expect(engine.decide(input('GetRun', 'MANAGE')).allow).to.equal(true);
  });

  it('is sized by the data, not by what evaluations grew the previous memory to', async () => {
    const bundle = await readBundle(defaultBundlePath());
    const engine = createDecisionEngine();
    const [first] = await memoriesMade(() => engine.load(bundle, DATA));
    // An evaluation that needs much memory (a large input) grows the installed instance's memory.
    const targets = Array.from({ length: 20_000 }, (_, i) => ({
      type: 'experiment' as const,
      id: String(i),
      via: 'experiment' as const,
      ref: String(i),
      exists: true,
    }));
    engine.visible(
      buildPolicyInput({
        principal: alice,
        operation: 'SearchExperiments',
        targets,
        grants: new Map(),
        method: 'POST',
        path: '/api/2.0/mlflow/experiments/search',
        now: new Date(0),
      }),
    );
    const grown = (first?.memory.buffer.byteLength ?? 0) / PAGE;
    expect(grown, 'the evaluation grew it').to.be.greaterThan(40);
    const [second] = await memoriesMade(() => engine.setData(DATA));
    expect(second?.initial).to.be.below(grown / 4);
    expect(engine.decide(input('GetRun', 'MANAGE')).allow).to.equal(true);
  });

  it('still grows a memory when the new data needs more', async () => {
    const bundle = await readBundle(defaultBundlePath());
    const engine = createDecisionEngine();
    await engine.load(bundle, DATA);
    const [made] = await memoriesMade(() => engine.setData(bigData));
    expect((made?.memory.buffer.byteLength ?? 0) / PAGE).to.be.greaterThan(made?.initial ?? Infinity);
    expect(engine.decide(input('GetRun', 'MANAGE')).allow).to.equal(true);
  });
});
