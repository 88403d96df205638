/**
 * The model registry and prompts (ModelRegistryService, and the Flask download of a version's files). A prompt is
 * a registered model carrying the prompt tag and is served by the same routes: each route names its registered
 * model or prompt by `name`, which resolves to the permission type it is (resources/registered-model.ts). Model
 * versions, aliases, stage transitions and version downloads are decided by their registered model or prompt.
 * Levels follow MLflow's own auth (docs/routes-registry.md).
 */
import type { RequestParams } from '../params.js';
import { requestedRegistryType } from '../registry/prompt-tag.js';
import { API_2, ROOT, route, type RouteSpec, type TargetSpec } from '../route-spec.js';

const NAME: TargetSpec = { resource: 'registered_model_name', names: ['name'], required: true };
const RM = '/mlflow/registered-models';
const MV = '/mlflow/model-versions';

/** What CreateRegisteredModel creates (the policy's `created_type`), from its tags as MLflow will store them. */
function createdType(params: RequestParams): string {
  return requestedRegistryType(params.source === 'body' ? params.body['tags'] : undefined);
}

/** The tag key of a registered model tag request: the prompt tag moves an entry between permission types. */
const TAG_KEY = ['key'];

export const REGISTRY_ROUTES: readonly RouteSpec[] = [
  // Registered models and prompts.
  route('CreateRegisteredModel', 'POST', `${RM}/create`, API_2, [], {
    handling: 'capture-created-registry-entry',
    derivedAttributes: { created_type: createdType },
  }),
  route('GetRegisteredModel', 'GET', `${RM}/get`, API_2, [NAME]),
  route('RenameRegisteredModel', 'POST', `${RM}/rename`, API_2, [NAME], { handling: 'move-renamed-registry-entry' }),
  route('UpdateRegisteredModel', 'PATCH', `${RM}/update`, API_2, [NAME]),
  route('DeleteRegisteredModel', 'DELETE', `${RM}/delete`, API_2, [NAME], {
    handling: 'sweep-deleted-registry-entry',
  }),
  route('SearchRegisteredModels', 'GET', `${RM}/search`, API_2, [], { handling: 'filter-registered-models' }),
  route('GetLatestVersions', 'POST', `${RM}/get-latest-versions`, API_2, [NAME]),
  route('GetLatestVersions', 'GET', `${RM}/get-latest-versions`, API_2, [NAME]),
  route('SetRegisteredModelTag', 'POST', `${RM}/set-tag`, API_2, [NAME], { attributes: TAG_KEY }),
  route('DeleteRegisteredModelTag', 'DELETE', `${RM}/delete-tag`, API_2, [NAME], { attributes: TAG_KEY }),
  route('SetRegisteredModelAlias', 'POST', `${RM}/alias`, API_2, [NAME]),
  route('DeleteRegisteredModelAlias', 'DELETE', `${RM}/alias`, API_2, [NAME]),
  route('GetModelVersionByAlias', 'GET', `${RM}/alias`, API_2, [NAME]),
  // Model versions: their registered model or prompt decides. A new version also needs READ on what it is made
  // from: the run and logged model it names, and the registered model, logged model or run of its source URI.
  route('CreateModelVersion', 'POST', `${MV}/create`, API_2, [
    NAME,
    { resource: 'run', names: ['run_id'], permission: 'READ' },
    { resource: 'logged_model', names: ['model_id'], permission: 'READ' },
    { resource: 'model_version_source', names: ['source'], permission: 'READ' },
  ]),
  route('GetModelVersion', 'GET', `${MV}/get`, API_2, [NAME]),
  route('UpdateModelVersion', 'PATCH', `${MV}/update`, API_2, [NAME]),
  route('TransitionModelVersionStage', 'POST', `${MV}/transition-stage`, API_2, [NAME]),
  route('DeleteModelVersion', 'DELETE', `${MV}/delete`, API_2, [NAME]),
  route('GetModelVersionDownloadUri', 'GET', `${MV}/get-download-uri`, API_2, [NAME]),
  route('SearchModelVersions', 'GET', `${MV}/search`, API_2, [], { handling: 'filter-model-versions' }),
  route('SetModelVersionTag', 'POST', `${MV}/set-tag`, API_2, [NAME]),
  route('DeleteModelVersionTag', 'DELETE', `${MV}/delete-tag`, API_2, [NAME]),
  // The files of a version (a Flask handler reading request.args): its registered model or prompt decides.
  route('GetModelVersionArtifact', 'GET', '/model-versions/get-artifact', ROOT, [
    { ...NAME, in: 'query' },
    { resource: 'relative_artifact_path', names: ['path'], in: 'query', required: true },
  ]),
];
