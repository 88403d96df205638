import { expect } from 'chai';

import type { MlflowClient } from '../../../src/mlflow/client.js';
import type { Reference } from '../../../src/mlflow/references.js';
import { LOOKUP_CONCURRENCY, createResolver } from '../../../src/mlflow/resolve.js';

/** A fake MLflow: runs and logged models that exist, and a count of every look-up. */
function fakeClient(
  existing: {
    runs?: Record<string, string>;
    models?: Record<string, string>;
    traces?: Record<string, string>;
    datasets?: Record<string, string[]>;
    lookups?: Record<string, Record<string, unknown>>;
  } = {},
) {
  const calls: string[] = [];
  let inFlight = 0;
  let peak = 0;
  const answer = async (call: string, value: string | undefined): Promise<string | null> => {
    calls.push(call);
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    inFlight -= 1;
    return value ?? null;
  };
  const client: MlflowClient = {
    experimentIdByName: (name) => answer(`name:${name}`, name === 'known' ? '5' : undefined),
    experimentNameById: (id) => answer(`experiment:${id}`, id === '5' ? 'known' : undefined),
    runExperimentId: (id) => answer(`run:${id}`, existing.runs?.[id]),
    loggedModelExperimentId: (id) => answer(`model:${id}`, existing.models?.[id]),
    traceExperimentId: (id) => answer(`trace:${id}`, existing.traces?.[id]),
    datasetExperimentIds: (id) => {
      calls.push(`dataset:${id}`);
      return Promise.resolve(existing.datasets?.[id] ?? []);
    },
    // The AI gateway (h/gateway).
    gatewayEndpointId: (by) =>
      answer('name' in by ? `endpoint-name:${by.name}` : `endpoint:${by.endpoint_id}`, undefined),
    gatewayModelDefinitionId: (id) => answer(`model-definition:${id}`, undefined),
    mcpServerName: (name) => answer(`mcp-server:${name}`, undefined),
    searchExperiments: () => Promise.reject(new Error('not used')),
    searchEvaluationDatasets: () => Promise.reject(new Error('not used')),
    lookup: (path) => {
      calls.push(`lookup:${path}`);
      return Promise.resolve(existing.lookups?.[path] ?? null);
    },
    registeredModel: () => Promise.reject(new Error('not used')),
    searchRegisteredModels: () => Promise.reject(new Error('not used')),
    searchModelVersions: () => Promise.reject(new Error('not used')),
  };
  return { client, calls, peak: () => peak };
}

function logBatch(runId: string, modelIds: readonly string[]): Reference[] {
  return [{ kind: 'run', value: runId }, ...modelIds.map((value) => ({ kind: 'logged_model' as const, value }))];
}

const missingModels = Array.from({ length: 999 }, (_, i) => `m-missing-${i}`);

describe('resolver', () => {
  let now = 1_000_000;
  const clock = () => now;
  const options = (client: MlflowClient, missingTtlMs = 2_000) => ({
    client,
    maxEntries: 1_000,
    missingTtlMs,
    now: clock,
  });

  beforeEach(() => {
    now = 1_000_000;
  });

  it('resolves runs, logged models, names and ids to their experiments', async () => {
    const fake = fakeClient({ runs: { r1: '1' }, models: { 'm-1': '2' } });
    const resolver = createResolver(options(fake.client));
    const targets = await resolver.resolve([
      { kind: 'experiment', value: '7' },
      { kind: 'experiment_name', value: 'known' },
      { kind: 'run', value: 'r1' },
      { kind: 'logged_model', value: 'm-1' },
    ]);
    expect(targets.map((t) => [t.id, t.via, t.ref, t.exists])).to.deep.equal([
      ['7', 'experiment', '7', true],
      ['5', 'experiment_name', 'known', true],
      ['1', 'run', 'r1', true],
      ['2', 'logged_model', 'm-1', true],
    ]);
  });

  it('stops looking up at the first resource that does not exist', async () => {
    const fake = fakeClient({ runs: { r1: '1' } });
    const resolver = createResolver(options(fake.client));
    const targets = await resolver.resolve(logBatch('r1', missingModels));
    expect(fake.calls.length).to.be.at.most(2 * LOOKUP_CONCURRENCY);
    expect(fake.peak()).to.be.at.most(LOOKUP_CONCURRENCY);
    // The answer is the one the policy refuses with "resource-not-found": one missing target.
    expect(targets.filter((t) => !t.exists)).to.have.length.greaterThan(0);
    const missing = targets.find((t) => !t.exists);
    expect(missing?.via).to.equal('logged_model');
    expect(missingModels).to.include(missing?.ref);
  });

  it('answers a single missing id as before: one target that does not exist', async () => {
    const fake = fakeClient();
    const resolver = createResolver(options(fake.client));
    const targets = await resolver.resolve([{ kind: 'run', value: 'nope' }]);
    expect(targets).to.deep.equal([{ type: 'experiment', id: 'nope', via: 'run', ref: 'nope', exists: false }]);
  });

  it('remembers missing runs and logged models for cache.missing_ttl_ms', async () => {
    const fake = fakeClient({ runs: { r1: '1' } });
    const resolver = createResolver(options(fake.client));
    await resolver.resolve(logBatch('r1', missingModels));
    const first = fake.calls.length;
    const again = await resolver.resolve(logBatch('r1', missingModels));
    expect(fake.calls.length - first, 'look-ups of the second identical request').to.equal(0);
    expect(again.some((t) => !t.exists)).to.equal(true);

    await resolver.resolve([{ kind: 'run', value: 'gone' }]);
    await resolver.resolve([{ kind: 'run', value: 'gone' }]);
    expect(fake.calls.filter((c) => c === 'run:gone')).to.have.length(1);

    now += 2_000;
    await resolver.resolve([{ kind: 'run', value: 'gone' }]);
    expect(
      fake.calls.filter((c) => c === 'run:gone'),
      'after the TTL',
    ).to.have.length(2);
  });

  it('answers from the cache without any look-up when one named id is known to be missing', async () => {
    const fake = fakeClient({ runs: { r1: '1' } });
    const resolver = createResolver(options(fake.client));
    await resolver.resolve([{ kind: 'logged_model', value: missingModels[500] as string }]);
    const first = fake.calls.length;
    // The known-missing id comes late in the request, behind ids never seen before.
    const targets = await resolver.resolve(logBatch('r1', missingModels));
    expect(fake.calls.length - first).to.equal(0);
    expect(targets).to.deep.equal([
      { type: 'experiment', id: missingModels[500], via: 'logged_model', ref: missingModels[500], exists: false },
    ]);
  });

  it('does not remember missing relations when cache.missing_ttl_ms is 0', async () => {
    const fake = fakeClient();
    const resolver = createResolver(options(fake.client, 0));
    await resolver.resolve([{ kind: 'logged_model', value: 'm-x' }]);
    await resolver.resolve([{ kind: 'logged_model', value: 'm-x' }]);
    expect(fake.calls).to.deep.equal(['model:m-x', 'model:m-x']);
  });

  it('never remembers that an experiment name is missing: it can be created at any moment', async () => {
    const fake = fakeClient();
    const resolver = createResolver(options(fake.client));
    await resolver.resolve([{ kind: 'experiment_name', value: 'new' }]);
    await resolver.resolve([{ kind: 'experiment_name', value: 'new' }]);
    expect(fake.calls).to.deep.equal(['name:new', 'name:new']);
  });

  it('keeps found relations for ever and shares one look-up between concurrent requests', async () => {
    const fake = fakeClient({ runs: { r1: '1' }, models: { 'm-1': '2' } });
    const resolver = createResolver(options(fake.client));
    await Promise.all(Array.from({ length: 6 }, () => resolver.resolve(logBatch('r1', ['m-1']))));
    expect(fake.calls).to.deep.equal(['run:r1', 'model:m-1']);
    now += 10 * 24 * 3_600_000;
    await resolver.resolve(logBatch('r1', ['m-1']));
    expect(fake.calls).to.have.length(2);
  });

  it('shares one look-up of a missing id between concurrent requests', async () => {
    const fake = fakeClient({ runs: { r1: '1' } });
    const resolver = createResolver(options(fake.client));
    await Promise.all(Array.from({ length: 6 }, () => resolver.resolve(logBatch('r1', missingModels))));
    expect(fake.calls.length).to.be.at.most(2 * LOOKUP_CONCURRENCY);
  });

  it('stops looking up after a failed look-up, and rejects with it', async () => {
    let calls = 0;
    const failing: MlflowClient = {
      ...fakeClient().client,
      loggedModelExperimentId: async (id) => {
        calls += 1;
        await new Promise((resolve) => setImmediate(resolve));
        if (id === missingModels[0]) {
          throw new Error('MLflow is down');
        }
        return '1';
      },
    };
    const resolver = createResolver(options(failing));
    let rejected: unknown;
    try {
      await resolver.resolve(missingModels.map((value) => ({ kind: 'logged_model' as const, value })));
    } catch (error) {
      rejected = error;
    }
    expect((rejected as Error | undefined)?.message).to.equal('MLflow is down');
    // Look-ups still queued when the request failed would otherwise go on in the background.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).to.be.at.most(2 * LOOKUP_CONCURRENCY);
  });
  // Traces and evaluation datasets (h/tracking).
  it('looks a trace up on every request: StartTraceV3 can move it to another experiment', async () => {
    const traces: Record<string, string> = { 'tr-1': '1' };
    const fake = fakeClient({ traces });
    const resolver = createResolver(options(fake.client));
    const first = await resolver.resolve([{ kind: 'trace', value: 'tr-1' }]);
    traces['tr-1'] = '2';
    const second = await resolver.resolve([{ kind: 'trace', value: 'tr-1' }]);
    expect([first[0]?.id, second[0]?.id]).to.deep.equal(['1', '2']);
    expect(fake.calls).to.deep.equal(['trace:tr-1', 'trace:tr-1']);
  });

  it('never remembers a trace as missing: clients choose trace ids', async () => {
    const traces: Record<string, string> = {};
    const fake = fakeClient({ traces });
    const resolver = createResolver(options(fake.client));
    expect((await resolver.resolve([{ kind: 'trace', value: 'tr-new' }]))[0]?.exists).to.equal(false);
    traces['tr-new'] = '4';
    expect((await resolver.resolve([{ kind: 'trace', value: 'tr-new' }]))[0]).to.include({ id: '4', exists: true });
  });

  it('adds no target for a resource the request may create, and checks it once it exists', async () => {
    const fake = fakeClient({ traces: { 'tr-old': '9' } });
    const resolver = createResolver(options(fake.client));
    const targets = await resolver.resolve([
      { kind: 'experiment', value: '3' },
      { kind: 'trace', value: 'tr-new', ifExists: true },
      { kind: 'trace', value: 'tr-old', ifExists: true },
    ]);
    expect(targets.map((t) => [t.id, t.via, t.exists])).to.deep.equal([
      ['3', 'experiment', true],
      ['9', 'trace', true],
    ]);
  });

  it('does not take a resource the request may create as missing from the cache', async () => {
    const runs: Record<string, string> = {};
    const fake = fakeClient({ runs });
    const resolver = createResolver(options(fake.client));
    expect((await resolver.resolve([{ kind: 'run', value: 'r9' }]))[0]?.exists).to.equal(false);
    runs['r9'] = '6';
    const targets = await resolver.resolve([{ kind: 'run', value: 'r9', ifExists: true }]);
    expect(targets.map((t) => t.id)).to.deep.equal(['6']);
  });

  it('resolves a dataset to every experiment it is linked to, looked up on every request', async () => {
    const datasets: Record<string, string[]> = { 'd-1': ['1', '2', '1'] };
    const fake = fakeClient({ datasets });
    const resolver = createResolver(options(fake.client));
    const first = await resolver.resolve([{ kind: 'dataset', value: 'd-1' }]);
    expect(first.map((t) => [t.id, t.via, t.ref])).to.deep.equal([
      ['1', 'dataset', 'd-1'],
      ['2', 'dataset', 'd-1'],
    ]);
    datasets['d-1'] = ['2'];
    expect((await resolver.resolve([{ kind: 'dataset', value: 'd-1' }])).map((t) => t.id)).to.deep.equal(['2']);
  });

  it('takes a dataset linked to no experiment as not found (administrators only)', async () => {
    const fake = fakeClient({ datasets: { 'd-orphan': [] } });
    const resolver = createResolver(options(fake.client));
    const targets = await resolver.resolve([
      { kind: 'experiment', value: '1' },
      { kind: 'dataset', value: 'd-orphan' },
    ]);
    expect(targets.some((t) => t.via === 'dataset' && !t.exists)).to.equal(true);
  });
});
