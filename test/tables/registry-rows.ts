/**
 * The model registry and prompts as a client sends them (h/registry): the request, the resources it names and the
 * permission the policy requires on the registered model or prompt (test/unit/mlflow/registry-routes.test.ts).
 * References that carry their own permission (`permission` on a run, logged model or source model) need READ.
 * The route coverage check (test/unit/pipeline/route-table.test.ts) counts these rows too.
 */
import type { Reference } from '../../src/mlflow/references.js';
import type { Request } from './tracking-rows.js';

export interface RegistryRow {
  readonly request: Request;
  readonly operation: string;
  readonly references: readonly Reference[];
  /** Needed on the registered model or prompt; null: any authenticated caller (a filtered search). */
  readonly permission: 'READ' | 'EDIT' | 'MANAGE' | null;
}

const A = '/api/2.0/mlflow';
const X = '/ajax-api/2.0/mlflow';
const model = (name: string): Reference => ({ kind: 'registered_model_name', value: name });
const read = (kind: Reference['kind'], value: string): Reference => ({ kind, value, permission: 'READ' });

export const REGISTRY_ROWS: readonly RegistryRow[] = [
  {
    request: { method: 'POST', path: `${A}/registered-models/create`, body: { name: 'churn' } },
    operation: 'CreateRegisteredModel',
    references: [],
    permission: null,
  },
  {
    request: { method: 'GET', path: `${A}/registered-models/get`, query: 'name=churn' },
    operation: 'GetRegisteredModel',
    references: [model('churn')],
    permission: 'READ',
  },
  {
    request: { method: 'POST', path: `${X}/registered-models/rename`, body: { name: 'churn', new_name: 'churn2' } },
    operation: 'RenameRegisteredModel',
    references: [model('churn')],
    permission: 'EDIT',
  },
  {
    request: { method: 'PATCH', path: `${A}/registered-models/update`, body: { name: 'churn', description: 'd' } },
    operation: 'UpdateRegisteredModel',
    references: [model('churn')],
    permission: 'EDIT',
  },
  {
    request: { method: 'DELETE', path: `${A}/registered-models/delete`, body: { name: 'churn' } },
    operation: 'DeleteRegisteredModel',
    references: [model('churn')],
    permission: 'MANAGE',
  },
  {
    request: { method: 'GET', path: `${X}/registered-models/search`, query: 'max_results=5' },
    operation: 'SearchRegisteredModels',
    references: [],
    permission: null,
  },
  {
    request: { method: 'POST', path: `${A}/registered-models/get-latest-versions`, body: { name: 'churn' } },
    operation: 'GetLatestVersions',
    references: [model('churn')],
    permission: 'READ',
  },
  {
    request: { method: 'GET', path: `${A}/registered-models/get-latest-versions`, query: 'name=churn&stages=None' },
    operation: 'GetLatestVersions',
    references: [model('churn')],
    permission: 'READ',
  },
  {
    request: { method: 'POST', path: `${A}/registered-models/set-tag`, body: { name: 'churn', key: 'k', value: 'v' } },
    operation: 'SetRegisteredModelTag',
    references: [model('churn')],
    permission: 'EDIT',
  },
  {
    request: { method: 'DELETE', path: `${A}/registered-models/delete-tag`, body: { name: 'churn', key: 'k' } },
    operation: 'DeleteRegisteredModelTag',
    references: [model('churn')],
    permission: 'EDIT',
  },
  {
    request: {
      method: 'POST',
      path: `${A}/registered-models/alias`,
      body: { name: 'churn', alias: 'a', version: '1' },
    },
    operation: 'SetRegisteredModelAlias',
    references: [model('churn')],
    permission: 'EDIT',
  },
  {
    request: { method: 'DELETE', path: `${A}/registered-models/alias`, body: { name: 'churn', alias: 'a' } },
    operation: 'DeleteRegisteredModelAlias',
    references: [model('churn')],
    permission: 'MANAGE',
  },
  {
    request: { method: 'GET', path: `${A}/registered-models/alias`, query: 'name=churn&alias=a' },
    operation: 'GetModelVersionByAlias',
    references: [model('churn')],
    permission: 'READ',
  },
  {
    request: {
      method: 'POST',
      path: `${A}/model-versions/create`,
      body: { name: 'churn', source: 'runs:/r1/model', run_id: 'r1' },
    },
    operation: 'CreateModelVersion',
    references: [model('churn'), read('run', 'r1')],
    permission: 'EDIT',
  },
  {
    request: {
      method: 'POST',
      path: `${A}/model-versions/create`,
      body: { name: 'churn', source: 'models:/m-1', model_id: 'm-1', run_id: 'r2' },
    },
    operation: 'CreateModelVersion',
    references: [model('churn'), read('run', 'r2'), read('logged_model', 'm-1')],
    permission: 'EDIT',
  },
  {
    request: {
      method: 'POST',
      path: `${X}/model-versions/create`,
      body: { name: 'churn', source: 'models:/other@prod' },
    },
    operation: 'CreateModelVersion',
    references: [model('churn'), read('registered_model_name', 'other')],
    permission: 'EDIT',
  },
  {
    request: { method: 'GET', path: `${A}/model-versions/get`, query: 'name=churn&version=1' },
    operation: 'GetModelVersion',
    references: [model('churn')],
    permission: 'READ',
  },
  {
    request: { method: 'PATCH', path: `${A}/model-versions/update`, body: { name: 'churn', version: '1' } },
    operation: 'UpdateModelVersion',
    references: [model('churn')],
    permission: 'EDIT',
  },
  {
    request: {
      method: 'POST',
      path: `${A}/model-versions/transition-stage`,
      body: { name: 'churn', version: '1', stage: 'Production', archive_existing_versions: false },
    },
    operation: 'TransitionModelVersionStage',
    references: [model('churn')],
    permission: 'EDIT',
  },
  {
    request: { method: 'DELETE', path: `${A}/model-versions/delete`, body: { name: 'churn', version: '1' } },
    operation: 'DeleteModelVersion',
    references: [model('churn')],
    permission: 'MANAGE',
  },
  {
    request: { method: 'GET', path: `${A}/model-versions/get-download-uri`, query: 'name=churn&version=1' },
    operation: 'GetModelVersionDownloadUri',
    references: [model('churn')],
    permission: 'READ',
  },
  {
    request: { method: 'GET', path: `${A}/model-versions/search`, query: "filter=name%3D'churn'" },
    operation: 'SearchModelVersions',
    references: [],
    permission: null,
  },
  {
    request: {
      method: 'POST',
      path: `${A}/model-versions/set-tag`,
      body: { name: 'churn', version: '1', key: 'k', value: 'v' },
    },
    operation: 'SetModelVersionTag',
    references: [model('churn')],
    permission: 'EDIT',
  },
  {
    request: {
      method: 'DELETE',
      path: `${A}/model-versions/delete-tag`,
      body: { name: 'churn', version: '1', key: 'k' },
    },
    operation: 'DeleteModelVersionTag',
    references: [model('churn')],
    permission: 'MANAGE',
  },
  {
    request: { method: 'GET', path: '/model-versions/get-artifact', query: 'name=churn&version=1&path=MLmodel' },
    operation: 'GetModelVersionArtifact',
    references: [model('churn')],
    permission: 'READ',
  },
];
