/**
 * The model registry and prompts, table-driven (test/tables/registry-rows.ts): a request -> the resources it names ->
 * the permission the shipped policy requires on its registered model or prompt, in the permission type the name
 * resolves to. Then what decides the type: the prompt tag of a creation, the sources of a model version.
 */
import { expect } from 'chai';

import type { Principal } from '../../../src/auth/principal.js';
import type { PermissionLevel } from '../../../src/config/schema.js';
import { MlgateError } from '../../../src/errors.js';
import { requestAttributes } from '../../../src/http/authorize.js';
import type { Reference } from '../../../src/mlflow/references.js';
import { promptMarked, requestedRegistryType } from '../../../src/mlflow/registry/prompt-tag.js';
import { sourceReferences, splitUri } from '../../../src/mlflow/registry/version-source.js';
import type { CarrierType } from '../../../src/mlflow/resources/kind.js';
import { defaultBundlePath } from '../../../src/paths.js';
import { readBundle } from '../../../src/policy/bundle.js';
import { type DecisionEngine, createDecisionEngine } from '../../../src/policy/engine.js';
import { type ResolvedTarget, buildPolicyInput, grantsKey } from '../../../src/policy/input.js';
import type { ResourceGrants } from '../../../src/store/types.js';
import { REGISTRY_ROWS } from '../../tables/registry-rows.js';
import { matched, references } from '../../tables/route-request.js';

const LEVELS: readonly PermissionLevel[] = ['READ', 'USE', 'EDIT', 'MANAGE'];
const user: Principal = { authenticated: true, username: 'u', isAdmin: false, groups: ['ml'], method: 'basic' };
const admin: Principal = { ...user, username: 'root', isAdmin: true };

/** The targets the references resolve to: registry names in `type`, runs and logged models in experiments. */
function targetsOf(refs: readonly Reference[], type: CarrierType): ResolvedTarget[] {
  return refs.map((r) => ({
    type: r.kind === 'registered_model_name' ? type : 'experiment',
    id: r.kind === 'registered_model_name' ? r.value : `e-${r.value}`,
    via: r.kind,
    ref: r.value,
    exists: true,
    ...(r.permission === undefined ? {} : { permission: r.permission }),
  }));
}

function decide(
  engine: DecisionEngine,
  operation: string,
  targets: readonly ResolvedTarget[],
  grants: ReadonlyMap<string, ResourceGrants>,
  options: { principal?: Principal; attributes?: Record<string, string> } = {},
) {
  return engine.decide(
    buildPolicyInput({
      principal: options.principal ?? user,
      operation,
      targets,
      grants,
      method: 'POST',
      path: '/',
      now: new Date(),
      ...(options.attributes === undefined ? {} : { attributes: options.attributes }),
    }),
  );
}

/** The lowest grant on the registered model or prompt the policy allows, with READ on every other target. */
function requiredLevel(engine: DecisionEngine, operation: string, targets: readonly ResolvedTarget[]): string | null {
  for (const level of LEVELS) {
    const grants = new Map(
      targets.map((t) => [grantsKey(t.type, t.id), { user: t.type === 'experiment' ? 'READ' : level, groups: {} }]),
    ) as Map<string, ResourceGrants>;
    if (decide(engine, operation, targets, grants).allow) {
      return level;
    }
  }
  return null;
}

describe('model registry and prompts: request -> references -> permission', () => {
  let engine: DecisionEngine;
  const load = async (creators: Record<string, string[]> = {}) => {
    engine = createDecisionEngine();
    await engine.load(await readBundle(defaultBundlePath()), {
      config: { default_permission: 'NO_PERMISSIONS', admin_groups: [], creators },
    });
  };

  before(() => load());

  for (const row of REGISTRY_ROWS) {
    const { request } = row;
    const label = `${request.method} ${request.path}${request.query === undefined ? '' : '?' + request.query}`;
    it(`${label} -> ${row.operation}, ${row.permission ?? 'any caller'}`, () => {
      expect(matched(request).route.operation).to.equal(row.operation);
      const refs = references(request);
      expect(refs).to.deep.equal(row.references);
      for (const type of ['registered_model', 'prompt'] as const) {
        const targets = targetsOf(refs, type);
        if (row.permission === null) {
          expect(decide(engine, row.operation, targets, new Map(), { attributes: { created_type: type } }).allow).to.be
            .true;
        } else {
          expect(requiredLevel(engine, row.operation, targets), type).to.equal(row.permission);
        }
      }
    });
  }

  it('refuses a new version made from a run, logged model or source model the caller cannot read', () => {
    for (const row of REGISTRY_ROWS.filter((r) => r.operation === 'CreateModelVersion')) {
      const targets = targetsOf(row.references, 'registered_model');
      const sources = targets.filter((t) => t.permission === 'READ');
      expect(sources.length).to.be.greaterThan(0);
      for (const source of sources) {
        const grants = new Map(
          targets.map((t) => [grantsKey(t.type, t.id), { user: t === source ? null : 'MANAGE', groups: {} }]),
        ) as Map<string, ResourceGrants>;
        expect(decide(engine, 'CreateModelVersion', targets, grants).allow, source.ref).to.be.false;
      }
    }
  });

  it('keeps registered models and prompts of the same name apart', () => {
    const asPrompt: ResolvedTarget[] = [
      { type: 'prompt', id: 'X', via: 'registered_model_name', ref: 'X', exists: true },
    ];
    const asModel: ResolvedTarget[] = [{ ...asPrompt[0]!, type: 'registered_model' }];
    const onModel = new Map([[grantsKey('registered_model', 'X'), { user: 'MANAGE' as const, groups: {} }]]);
    const onPrompt = new Map([[grantsKey('prompt', 'X'), { user: 'MANAGE' as const, groups: {} }]]);
    expect(decide(engine, 'GetRegisteredModel', asPrompt, onModel).allow).to.be.false;
    expect(decide(engine, 'GetRegisteredModel', asModel, onPrompt).allow).to.be.false;
    expect(decide(engine, 'GetRegisteredModel', asPrompt, onPrompt).allow).to.be.true;
    expect(decide(engine, 'GetRegisteredModel', asModel, onModel).allow).to.be.true;
  });

  it('refuses the prompt tag on set-tag and delete-tag to all but administrators', () => {
    const targets: ResolvedTarget[] = [
      { type: 'registered_model', id: 'X', via: 'registered_model_name', ref: 'X', exists: true },
    ];
    const grants = new Map([[grantsKey('registered_model', 'X'), { user: 'MANAGE' as const, groups: {} }]]);
    for (const operation of ['SetRegisteredModelTag', 'DeleteRegisteredModelTag']) {
      const reserved = { key: 'mlflow.prompt.is_prompt' };
      const refused = decide(engine, operation, targets, grants, { attributes: reserved });
      expect(refused.allow).to.be.false;
      expect(refused.reasons).to.deep.equal(['reserved-value']);
      expect(decide(engine, operation, targets, grants, { attributes: { key: 'team' } }).allow).to.be.true;
      expect(decide(engine, operation, targets, new Map(), { attributes: reserved, principal: admin }).allow).to.be
        .true;
    }
  });

  describe('creation', () => {
    const create = (type?: string) =>
      decide(
        engine,
        'CreateRegisteredModel',
        [],
        new Map(),
        type === undefined ? {} : { attributes: { created_type: type } },
      );

    it('learns the type created from the attribute the route derives from the tags', () => {
      const route = matched({ method: 'POST', path: '/api/2.0/mlflow/registered-models/create' }).route;
      const attributes = (body: Record<string, unknown>) => requestAttributes(route, { source: 'body', body });
      expect(attributes({ name: 'm' })).to.deep.equal({ created_type: 'registered_model' });
      expect(attributes({ name: 'p', tags: [{ key: 'mlflow.prompt.is_prompt', value: 'TRUE' }] })).to.deep.equal({
        created_type: 'prompt',
      });
      expect(attributes({ name: 'm', tags: [{ key: 'mlflow.prompt.is_prompt', value: 'false' }] })).to.deep.equal({
        created_type: 'registered_model',
      });
      const twice = [
        { key: 'mlflow.prompt.is_prompt', value: 'true' },
        { key: 'mlflow.prompt.is_prompt', value: 'no' },
      ];
      expect(() => attributes({ name: 'x', tags: twice })).to.throw(MlgateError, /more than once/);
      expect(() => attributes({ name: 'x', tags: 'true' })).to.throw(MlgateError, /list/);
      expect(() => attributes({ name: 'x', tags: [{ key: 'mlflow.prompt.is_prompt', value: 1 }] })).to.throw(
        MlgateError,
      );
    });

    it('refuses a creation whose type the gateway did not say (a gateway bug, not a refusal)', () => {
      expect(create().allow).to.be.false;
      expect(create().reasons).to.include('input-invalid');
      expect(create('experiment').reasons).to.include('input-invalid');
      expect(create('registered_model').allow).to.be.true;
      expect(create('prompt').allow).to.be.true;
    });

    it('limits each type to its own creator groups', async () => {
      await load({ prompt: ['prompt-makers'] });
      expect(create('prompt').reasons).to.deep.equal(['creation-restricted']);
      expect(create('registered_model').allow).to.be.true;
      await load({ registered_model: ['ml'] });
      expect(create('registered_model').allow).to.be.true;
      await load({ registered_model: ['modellers'] });
      expect(create('registered_model').reasons).to.deep.equal(['creation-restricted']);
      expect(create('prompt').allow).to.be.true;
      expect(create('prompt').obligations).to.deep.include({ type: 'grant-creator', permission: 'MANAGE' });
      await load();
    });
  });
});

describe('model registry: prompt tags and model version sources', () => {
  it('reads the prompt tag as MLflow does (the last one decides, any case of "true")', () => {
    expect(promptMarked([{ key: 'mlflow.prompt.is_prompt', value: 'True' }])).to.equal(true);
    expect(promptMarked([{ key: 'other', value: 'true' }])).to.equal(false);
    expect(promptMarked(undefined)).to.equal(false);
    expect(promptMarked('x')).to.equal(undefined);
    expect(
      requestedRegistryType([
        { key: 'mlflow.prompt.is_prompt', value: 'true' },
        { key: 'a', value: 'b' },
      ]),
    ).to.equal('prompt');
  });

  it('splits URIs as urllib.parse does', () => {
    expect(splitUri(' Models:/a/1')).to.deep.equal({ scheme: 'models', netloc: '', path: '/a/1' });
    expect(splitUri('models:///m-1')).to.deep.equal({ scheme: 'models', netloc: '', path: '/m-1' });
    expect(splitUri('mod\tels:/a#b')).to.deep.equal({ scheme: 'models', netloc: '', path: '/a' });
    expect(splitUri('models:/a#b', false).path).to.equal('/a#b');
    expect(splitUri('/tmp/x:y').scheme).to.equal('');
  });

  it('names the registered model, logged model or run a source copies', () => {
    const cases: [string, unknown[]][] = [
      ['models:/churn/3', [{ kind: 'registered_model_name', value: 'churn' }]],
      ['models:/churn/Production', [{ kind: 'registered_model_name', value: 'churn' }]],
      ['models:/churn@champion', [{ kind: 'registered_model_name', value: 'churn' }]],
      ['models:/a@b@c', [{ kind: 'registered_model_name', value: 'a@b' }]],
      ['MODELS:/churn/1', [{ kind: 'registered_model_name', value: 'churn' }]],
      ['models:///m-1', [{ kind: 'logged_model', value: 'm-1' }]],
      ['models:/m-1', [{ kind: 'logged_model', value: 'm-1' }]],
      ['models:/m-1?x=1', [{ kind: 'logged_model', value: 'm-1' }]],
      ['runs:/r1/model', [{ kind: 'run', value: 'r1' }]],
      ['models:/a/b/c', []],
      ['models:/churn@', []],
      ['models:/', []],
      ['s3://bucket/1/r1/artifacts/model', []],
      ['mlflow-artifacts:/1/r1/artifacts/model', []],
    ];
    for (const [source, expected] of cases) {
      expect(sourceReferences(source), source).to.deep.equal(expected);
    }
    expect(() => sourceReferences('models://host/churn/1')).to.throw(MlgateError, /no host/);
    expect(() => sourceReferences('models:/@champion')).to.throw(MlgateError, /without a name/);
  });
});
