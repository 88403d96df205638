/**
 * GenAI routes (h/genai), table-driven: a request -> the resources it names -> what they resolve to (a fake MLflow
 * answering the look-ups) -> the lowest grant, held on every resolved resource, that the shipped policy allows.
 */
import { expect } from 'chai';

import type { Principal } from '../../../src/auth/principal.js';
import type { PermissionLevel } from '../../../src/config/schema.js';
import { MlgateError } from '../../../src/errors.js';
import type { MlflowClient } from '../../../src/mlflow/client.js';
import { createResolver } from '../../../src/mlflow/resolve.js';
import { defaultBundlePath } from '../../../src/paths.js';
import { readBundle } from '../../../src/policy/bundle.js';
import { type DecisionEngine, createDecisionEngine } from '../../../src/policy/engine.js';
import { type ResolvedTarget, buildPolicyInput, grantsKey } from '../../../src/policy/input.js';
import { GENAI_ROWS } from '../../tables/genai-rows.js';
import type { Request } from '../../tables/tracking-rows.js';
import { matched, references } from '../../tables/route-request.js';

/** MLflow's answers to the gateway's look-ups of the objects the table names. */
const LOOKUPS: Record<string, Record<string, unknown>> = {
  '/api/3.0/mlflow/issues/iss-1': { issue: { issue_id: 'iss-1', experiment_id: '5' } },
  '/api/3.0/mlflow/label-schemas/get?schema_id=ls-1': { label_schema: { schema_id: 'ls-1', experiment_id: '6' } },
  '/api/3.0/mlflow/review-queues/get?queue_id=rq-1': { review_queue: { queue_id: 'rq-1', experiment_id: '7' } },
  '/api/3.0/mlflow/prompt-optimization/jobs/j-1': { job: { job_id: 'j-1', experiment_id: '8' } },
  '/api/3.0/mlflow/prompt-optimization/jobs/j-2': { job: { job_id: 'j-2', experiment_id: '9' } },
  '/api/3.0/mlflow/prompt-optimization/jobs/j-3': { job: { job_id: 'j-3', experiment_id: '9' } },
  '/api/3.0/mlflow/prompt-optimization/jobs/j-none': { job: { job_id: 'j-none' } },
  '/api/3.0/mlflow/scorers/online-configs?scorer_ids=sc-1': { configs: [{ scorer_id: 'sc-1', experiment_id: '4' }] },
  '/api/3.0/mlflow/scorers/online-configs?scorer_ids=sc-2': { configs: [] },
};

const client: MlflowClient = {
  experimentIdByName: () => Promise.resolve(null),
  experimentNameById: () => Promise.resolve(null),
  runExperimentId: () => Promise.resolve(null),
  loggedModelExperimentId: () => Promise.resolve(null),
  traceExperimentId: () => Promise.resolve(null),
  datasetExperimentIds: (id) => Promise.resolve(id === 'd-1' ? ['10'] : []),
  searchExperiments: () => Promise.reject(new Error('not used')),
  searchEvaluationDatasets: () => Promise.reject(new Error('not used')),
  lookup: (path) => Promise.resolve(LOOKUPS[path] ?? null),
  registeredModel: () => Promise.resolve(null),
  searchRegisteredModels: () => Promise.reject(new Error('not used')),
  searchModelVersions: () => Promise.reject(new Error('not used')),
  // The AI gateway and MCP servers (h/gateway).
  gatewayEndpointId: () => Promise.resolve(null),
  gatewayModelDefinitionId: () => Promise.resolve(null),
  mcpServerName: () => Promise.resolve(null),
};

const resolver = createResolver({ client, maxEntries: 100, missingTtlMs: 0 });
const LEVELS: readonly PermissionLevel[] = ['READ', 'USE', 'EDIT', 'MANAGE'];
const user: Principal = { authenticated: true, username: 'u', isAdmin: false, groups: [], method: 'basic' };
const admin: Principal = { ...user, username: 'root', isAdmin: true };

function decide(
  engine: DecisionEngine,
  principal: Principal,
  operation: string,
  targets: ResolvedTarget[],
  level: PermissionLevel,
) {
  const grants = new Map(targets.map((t) => [grantsKey(t.type, t.id), { user: level, groups: {} }]));
  return engine.decide(
    buildPolicyInput({ principal, operation, targets, grants, method: 'GET', path: '/', now: new Date() }),
  );
}

/** The lowest grant, held on every resolved resource, that the shipped policy allows; null when none does. */
function requiredLevel(engine: DecisionEngine, operation: string, targets: ResolvedTarget[]): PermissionLevel | null {
  return LEVELS.find((level) => decide(engine, user, operation, targets, level).allow) ?? null;
}

describe('GenAI routes: request -> references -> resolved resources -> permission', () => {
  let engine: DecisionEngine;

  before(async () => {
    engine = createDecisionEngine();
    await engine.load(await readBundle(defaultBundlePath()), {
      config: { default_permission: 'NO_PERMISSIONS', admin_groups: [] },
    });
  });

  for (const row of GENAI_ROWS) {
    const { method, path } = row.request;
    it(`${method} ${path}${row.request.query === undefined ? '' : '?' + row.request.query} -> ${row.operation}`, async () => {
      expect(matched(row.request).route.operation).to.equal(row.operation);
      const refs = references(row.request);
      expect(refs).to.deep.equal(row.references);
      const targets = await resolver.resolve(refs);
      expect(requiredLevel(engine, row.operation, targets)).to.equal(
        row.permission === 'admin' ? null : row.permission,
      );
      expect(decide(engine, admin, row.operation, targets, 'READ').allow, 'an administrator').to.equal(true);
    });
  }

  it('resolves each object to the experiment MLflow answers, and a prompt URI to the prompt names', async () => {
    const targets = await resolver.resolve([
      { kind: 'issue', value: 'iss-1' },
      { kind: 'label_schema', value: 'ls-1' },
      { kind: 'review_queue', value: 'rq-1' },
      { kind: 'job', value: 'j-1' },
      { kind: 'scorer_config', value: 'sc-1', ifExists: true },
      { kind: 'scorer_config', value: 'sc-2', ifExists: true },
      { kind: 'source_prompt', value: 'qa@prod', permission: 'READ' },
    ]);
    expect(targets.map((t) => `${t.type}:${t.id}`)).to.deep.equal([
      'experiment:5',
      'experiment:6',
      'experiment:7',
      'experiment:8',
      'experiment:4',
      'prompt:qa@prod',
      'prompt:qa',
    ]);
    expect(targets.at(-1)?.permission).to.equal('READ');
  });

  it('takes a job whose parameters name no experiment, and an unknown object, as not found', async () => {
    for (const reference of [
      { kind: 'job' as const, value: 'j-none' },
      { kind: 'issue' as const, value: 'iss-404' },
      { kind: 'gateway_reference' as const, value: 'sec-1' },
    ]) {
      const targets = await resolver.resolve([reference]);
      expect(
        targets.map((t) => t.exists),
        reference.value,
      ).to.deep.equal([false]);
      expect(requiredLevel(engine, 'GetJob', targets)).to.equal(null);
    }
  });

  it('refuses searches and lists that name no experiment (they would cover every experiment)', () => {
    for (const operation of ['ListScorers', 'SearchIssues', 'SearchJobs', 'SearchPromptOptimizationJobs']) {
      expect(requiredLevel(engine, operation, []), operation).to.equal(null);
    }
    // Online configurations of scorers that have none: nothing to read, nothing refused (MLflow answers none).
    expect(requiredLevel(engine, 'GetOnlineScoringConfigs', [])).to.equal('READ');
  });

  it('needs EDIT on the experiment and the source prompt, READ on the dataset, of a prompt optimization', async () => {
    const request = GENAI_ROWS.find((r) => r.operation === 'CreatePromptOptimizationJob')?.request as Request;
    const targets = await resolver.resolve(references(request));
    const experimentOnly = targets.map((t) => ({ ...t }));
    const level = (held: Record<string, PermissionLevel>) =>
      engine.decide(
        buildPolicyInput({
          principal: user,
          operation: 'CreatePromptOptimizationJob',
          targets: experimentOnly,
          grants: new Map(Object.entries(held).map(([key, value]) => [key, { user: value, groups: {} }])),
          method: 'POST',
          path: '/',
          now: new Date(),
        }),
      ).allow;
    const all = {
      [grantsKey('experiment', '8')]: 'EDIT',
      [grantsKey('prompt', 'qa')]: 'EDIT',
      [grantsKey('experiment', '10')]: 'READ',
    } as const;
    expect(level(all)).to.equal(true);
    // The job registers a new version of the source prompt: reading it is not enough.
    expect(level({ ...all, [grantsKey('prompt', 'qa')]: 'READ' })).to.equal(false);
    expect(level({ ...all, [grantsKey('prompt', 'qa')]: 'NO_PERMISSIONS' })).to.equal(false);
    expect(level({ ...all, [grantsKey('experiment', '10')]: 'NO_PERMISSIONS' })).to.equal(false);
    expect(level({ ...all, [grantsKey('experiment', '8')]: 'READ' })).to.equal(false);
  });
});

describe('GenAI routes: refused requests', () => {
  const refused = (request: Request, message: RegExp): void => {
    expect(() => references(request)).to.throw(MlgateError, message);
  };

  it('refuses ids MLflow would not read back from a path', () => {
    refused({ method: 'GET', path: '/api/3.0/mlflow/issues/..' }, /not a issue id|not an? issue id/);
    refused({ method: 'DELETE', path: '/api/3.0/mlflow/prompt-optimization/jobs/..' }, /job id/);
  });

  it('refuses a missing experiment or object id where MLflow requires one', () => {
    refused({ method: 'POST', path: '/api/3.0/mlflow/scorers/register', body: { name: 's' } }, /experiment_id/);
    refused({ method: 'GET', path: '/api/3.0/mlflow/review-queues/get', query: 'x=1' }, /queue_id/);
    refused(
      { method: 'POST', path: '/ajax-api/3.0/mlflow/scorer/invoke', body: { experimentId: '1' } },
      /experiment_id/,
    );
  });

  it('refuses a non-canonical experiment id and a number where MLflow reads a string', () => {
    refused({ method: 'GET', path: '/api/3.0/mlflow/scorers/list', query: 'experiment_id=01' }, /canonical/);
    refused(
      { method: 'PUT', path: '/api/3.0/mlflow/scorers/online-config', body: { experiment_id: 4 } },
      /must be a string/,
    );
    refused(
      { method: 'POST', path: '/ajax-api/3.0/jobs/search', body: { params: { experiment_id: 9 } } },
      /must be a string/,
    );
  });

  it('refuses prompt URIs and optimizer configurations the gateway cannot read as MLflow does', () => {
    const optimize = (body: Record<string, unknown>): Request => ({
      method: 'POST',
      path: '/api/3.0/mlflow/prompt-optimization/jobs',
      body: { experiment_id: '8', ...body },
    });
    refused(optimize({ source_prompt_uri: 'prompts:/qa?x=1@prod' }), /cannot be read/);
    refused(optimize({ source_prompt_uri: 'prompts://host/qa@prod' }), /without a host/);
    refused(optimize({ source_prompt_uri: 'prompts:/qa' }), /names a version/);
    refused(optimize({ source_prompt_uri: '@prod' }), /no prompt name/);
    refused(
      optimize({ source_prompt_uri: 'qa', config: { optimizer_config_json: '{"reflection_model": NaN}' } }),
      /NaN/,
    );
  });
});
