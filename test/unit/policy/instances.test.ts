import { expect } from 'chai';

import type { Principal } from '../../../src/auth/principal.js';
import { MlgateError } from '../../../src/errors.js';
import { defaultBundlePath } from '../../../src/paths.js';
import { type PolicyBundle, readBundle } from '../../../src/policy/bundle.js';
import { createDecisionEngine } from '../../../src/policy/engine.js';
import { type PolicyInput, buildPolicyInput } from '../../../src/policy/input.js';
import { type PolicyInstance, createInstanceRecycler, newInstance } from '../../../src/policy/instances.js';
import { memoriesMade } from '../../helpers/wasm-memories.js';

const alice: Principal = { authenticated: true, username: 'alice', isAdmin: false, groups: [], method: 'basic' };

/** GetRun on an experiment alice holds no grant on: decided by the default permission alone. */
const getRun: PolicyInput = buildPolicyInput({
  principal: alice,
  operation: 'GetRun',
  targets: [{ type: 'experiment', id: '1', via: 'run', ref: 'r1', exists: true }],
  grants: new Map(),
  method: 'GET',
  path: '/api/2.0/mlflow/runs/get',
  now: new Date(0),
});

const withDefault = (permission: 'READ' | 'NO_PERMISSIONS'): object => ({
  config: { default_permission: permission, admin_groups: [] },
});

/** How many WebAssembly memories are made while `run` runs (the SDK makes one per new instance). */
const newMemories = async (run: () => Promise<unknown>): Promise<number> => (await memoriesMade(run)).length;

describe('decision engine: reusing the instance a data change replaced', () => {
  let bundle: PolicyBundle;
  before(async () => {
    bundle = await readBundle(defaultBundlePath());
  });

  it('loads a change into the instance replaced last once nothing holds it: no new memory after the first change', async () => {
    const engine = createDecisionEngine({ dataLoad: { sliceMs: 0, pieceBytes: 64 } });
    await engine.load(bundle, withDefault('NO_PERMISSIONS'));
    expect(await newMemories(() => engine.setData(withDefault('READ')))).to.equal(1);
    for (let i = 0; i < 6; i++) {
      const permission = i % 2 === 0 ? 'NO_PERMISSIONS' : 'READ';
      // A request's snapshot, taken and released as the authorize stage does.
      const request = engine.snapshot();
      expect(request.decide(getRun).allow).to.equal(permission === 'NO_PERMISSIONS');
      request.release();
      expect(await newMemories(() => engine.setData(withDefault(permission))), `change ${i}`).to.equal(0);
      // Decided from the data just loaded over the old instance's memory, not from what it held before.
      expect(engine.decide(getRun).allow, `change ${i}`).to.equal(permission === 'READ');
      const after = engine.snapshot();
      expect(after.decide(getRun).allow, `change ${i}`).to.equal(permission === 'READ');
      after.release();
    }
  });

  it('never loads an instance a snapshot still holds: the snapshot keeps deciding with its own data', async () => {
    const engine = createDecisionEngine({ dataLoad: { sliceMs: 0, pieceBytes: 64 } });
    await engine.load(bundle, withDefault('READ'));
    const held = engine.snapshot();
    for (let i = 0; i < 4; i++) await engine.setData(withDefault('NO_PERMISSIONS'));
    expect(held.decide(getRun).allow, 'the held snapshot, after four changes').to.equal(true);
    expect(engine.decide(getRun).allow).to.equal(false);
    held.release();
    // Released: its instance is the next one loaded, with nothing new made.
    expect(await newMemories(() => engine.setData(withDefault('READ')))).to.equal(0);
    expect(engine.decide(getRun).allow).to.equal(true);
  });

  it('keeps each request on one policy while the data flips under it and instances are reused', async () => {
    const engine = createDecisionEngine({ dataLoad: { sliceMs: 0, pieceBytes: 64 } });
    await engine.load(bundle, withDefault('READ'));
    const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    let made = 0;
    const flipping = newMemories(async () => {
      for (let i = 0; i < 30; i++) await engine.setData(withDefault(i % 2 === 0 ? 'NO_PERMISSIONS' : 'READ'));
    }).then((n) => {
      made = n;
    });
    let decided = 0;
    // Requests that decide several times across turns, as a filtered search does page after page.
    const requests = Array.from({ length: 40 }, async (_, r) => {
      for (let k = 0; k < 6; k++) {
        const request = engine.snapshot();
        const first = request.decide(getRun).allow;
        for (let j = 0; j < (r % 5) + 1; j++) {
          await turn();
          expect(request.decide(getRun).allow, `request ${r}.${k}, decision ${j}`).to.equal(first);
          decided += 1;
        }
        request.release();
      }
    });
    await Promise.all([flipping, ...requests]);
    expect(decided).to.be.greaterThan(500);
    expect(made, 'instances were reused between the requests').to.be.below(30);
    expect(engine.decide(getRun).allow).to.equal(true);
  });

  it('refuses to decide with a snapshot after its release (500 MLGATE_INTERNAL), before and after its instance is reused', async () => {
    const engine = createDecisionEngine();
    await engine.load(bundle, withDefault('READ'));
    const snapshot = engine.snapshot();
    snapshot.release();
    snapshot.release();
    const refused = (): void => {
      try {
        snapshot.visible(getRun);
      } catch (error) {
        expect(error).to.be.instanceOf(MlgateError);
        expect((error as MlgateError).code).to.equal('MLGATE_INTERNAL');
        expect((error as MlgateError).status).to.equal(500);
        return;
      }
      expect.fail('a released snapshot decided');
    };
    refused();
    await engine.setData(withDefault('NO_PERMISSIONS'));
    await engine.setData(withDefault('NO_PERMISSIONS'));
    refused();
    // Another snapshot of the same engine is unaffected.
    expect(engine.snapshot().decide(getRun).allow).to.equal(false);
  });
});

describe('instance recycler', () => {
  const moduleA = {} as WebAssembly.Module;
  const moduleB = {} as WebAssembly.Module;
  const instance = (module: WebAssembly.Module): PolicyInstance => newInstance({} as never, module);

  it('offers a retired instance once, only for its own module, with its epoch bumped', () => {
    const recycler = createInstanceRecycler();
    const a = instance(moduleA);
    expect(recycler.take(moduleA)).to.equal(undefined);
    recycler.retire(a);
    expect(recycler.take(moduleB), 'another module (a new bundle) drops it').to.equal(undefined);
    expect(recycler.take(moduleA)).to.equal(undefined);
    recycler.retire(a);
    const lease = recycler.lease(a);
    expect(lease.valid()).to.equal(true);
    lease.release();
    const taken = recycler.take(moduleA);
    expect(taken).to.equal(a);
    expect(taken?.epoch).to.equal(1);
    expect(taken?.retired).to.equal(false);
    expect(recycler.take(moduleA)).to.equal(undefined);
  });

  it('waits for the last lease of a retired instance; a lease counts once however often released', () => {
    const recycler = createInstanceRecycler();
    const a = instance(moduleA);
    const first = recycler.lease(a);
    const second = recycler.lease(a);
    recycler.retire(a);
    first.release();
    first.release();
    expect(a.leases).to.equal(1);
    expect(recycler.take(moduleA), 'still leased').to.equal(undefined);
    second.release();
    expect(recycler.take(moduleA)).to.equal(a);
  });

  it('invalidates a lease taken before the instance was loaded again, and one released', () => {
    const recycler = createInstanceRecycler();
    const a = instance(moduleA);
    const kept = recycler.lease(a);
    const released = recycler.lease(a);
    released.release();
    expect(released.valid()).to.equal(false);
    // Reloaded although a lease is open (only a bug would do that): the lease no longer decides.
    a.epoch += 1;
    expect(kept.valid()).to.equal(false);
  });

  it('keeps one spare at most: the last released', () => {
    const recycler = createInstanceRecycler();
    const a = instance(moduleA);
    const b = instance(moduleA);
    recycler.retire(a);
    recycler.retire(b);
    expect(recycler.take(moduleA)).to.equal(b);
    expect(recycler.take(moduleA)).to.equal(undefined);
  });
});
