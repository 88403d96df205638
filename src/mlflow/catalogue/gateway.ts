/**
 * The AI gateway (h/gateway): secrets, model definitions, endpoints, budgets and guardrails (Flask, protobuf
 * parameters), and the invocation routes of the FastAPI gateway router (`/gateway/…`). Endpoints are a permission
 * type of their own (`gateway_endpoint`, keyed by id as MLflow's auth keys it); the decisions are in
 * docs/routes-gateway.md.
 */
import { API_3, ROOT, route, type RouteSpec, type TargetSpec } from '../route-spec.js';

/** The endpoint a management request names by id (`endpoint_id`, query string of a GET, else the JSON body). */
const ENDPOINT: TargetSpec = { resource: 'gateway_endpoint', names: ['endpoint_id'], required: true };

/**
 * The endpoint an invocation names, read where MLflow's auth reads it (`_extract_gateway_endpoint_name`): a path
 * parameter, or the `model` field of the JSON body of the OpenAI-style routes. A request that names none is
 * refused (MLflow: 400 "No endpoint name found").
 */
const NAMED_IN_PATH: TargetSpec = {
  resource: 'gateway_endpoint_name',
  names: ['endpoint_name'],
  in: 'path',
  required: true,
};
/**
 * The model definitions an endpoint is made to serve (`model_configs[].model_definition_id`): USE on each, as
 * MLflow's auth asks (_validate_can_use_model_definitions).
 */
const SERVED_DEFINITIONS: TargetSpec = {
  resource: 'gateway_model_definition',
  names: ['model_definition_id'],
  shape: { each: 'model_configs' },
  permission: 'USE',
};
/**
 * The experiment an endpoint logs its usage traces to: EDIT when one is named (MLflow's auth only vetoes an explicit
 * deny; writing traces into an experiment is an edit of it).
 */
const USAGE_EXPERIMENT: TargetSpec = { resource: 'experiment', names: ['experiment_id'], permission: 'EDIT' };

const NAMED_BY_MODEL: TargetSpec = { resource: 'gateway_endpoint_name', names: ['model'], in: 'json', required: true };

const gw = (path: string): string => `/mlflow/gateway${path}`;
const FASTAPI = { framework: 'fastapi' } as const;

/** Secrets hold provider API keys: administrators only (see docs/routes-gateway.md). */
const SECRET_ROUTES: readonly RouteSpec[] = [
  route('CreateGatewaySecret', 'POST', gw('/secrets/create'), API_3),
  route('GetGatewaySecretInfo', 'GET', gw('/secrets/get'), API_3),
  route('UpdateGatewaySecret', 'POST', gw('/secrets/update'), API_3),
  route('DeleteGatewaySecret', 'DELETE', gw('/secrets/delete'), API_3),
  route('ListGatewaySecretInfos', 'GET', gw('/secrets/list'), API_3),
  route('GetGatewaySecretsConfig', 'GET', gw('/secrets/config'), ['/ajax-api/3.0']),
];

/** Model definitions bind a secret to a provider's model: made and changed by administrators only. */
const MODEL_DEFINITION_ROUTES: readonly RouteSpec[] = [
  route('CreateGatewayModelDefinition', 'POST', gw('/model-definitions/create'), API_3),
  // READ on the definition (a permission type, so that endpoints can be granted USE on it).
  route('GetGatewayModelDefinition', 'GET', gw('/model-definitions/get'), API_3, [
    { resource: 'gateway_model_definition', names: ['model_definition_id'], required: true },
  ]),
  route('UpdateGatewayModelDefinition', 'POST', gw('/model-definitions/update'), API_3),
  route('DeleteGatewayModelDefinition', 'DELETE', gw('/model-definitions/delete'), API_3),
  route('ListGatewayModelDefinitions', 'GET', gw('/model-definitions/list'), API_3),
];

const ENDPOINT_ROUTES: readonly RouteSpec[] = [
  // Serving a model definition needs USE on it; the creator of an endpoint gets MANAGE on it.
  route('CreateGatewayEndpoint', 'POST', gw('/endpoints/create'), API_3, [SERVED_DEFINITIONS, USAGE_EXPERIMENT], {
    handling: 'capture-created-gateway-endpoint',
  }),
  route('UpdateGatewayEndpoint', 'POST', gw('/endpoints/update'), API_3, [
    ENDPOINT,
    SERVED_DEFINITIONS,
    USAGE_EXPERIMENT,
  ]),
  route('AttachModelToGatewayEndpoint', 'POST', gw('/endpoints/models/attach'), API_3, [
    ENDPOINT,
    {
      resource: 'gateway_model_definition',
      names: ['model_definition_id'],
      within: ['model_config'],
      permission: 'USE',
    },
  ]),
  // Every endpoint, filtered to those the caller may read (as MLflow's filter_list_gateway_endpoints). The
  // `secret_id` selector is not gated, as in MLflow (_GATEWAY_SECRET_SELECTOR_INERT_ROUTES): it only narrows rows.
  route('ListGatewayEndpoints', 'GET', gw('/endpoints/list'), API_3, [], { handling: 'filter-gateway-endpoints' }),
  // By id, or by name when no id is given (as MLflow's validate_can_read_gateway_endpoint); both when both are.
  route('GetGatewayEndpoint', 'GET', gw('/endpoints/get'), API_3, [
    { resource: 'gateway_endpoint', names: ['endpoint_id'] },
    { resource: 'gateway_endpoint_name', names: ['name'] },
  ]),
  route('DeleteGatewayEndpoint', 'DELETE', gw('/endpoints/delete'), API_3, [ENDPOINT], {
    handling: 'sweep-deleted-grants',
  }),
  route('DetachModelFromGatewayEndpoint', 'POST', gw('/endpoints/models/detach'), API_3, [ENDPOINT]),
  route('SetGatewayEndpointTag', 'POST', gw('/endpoints/set-tag'), API_3, [ENDPOINT]),
  route('DeleteGatewayEndpointTag', 'DELETE', gw('/endpoints/delete-tag'), API_3, [ENDPOINT]),
  route('CreateGatewayEndpointBinding', 'POST', gw('/endpoints/bindings/create'), API_3, [ENDPOINT]),
  route('DeleteGatewayEndpointBinding', 'DELETE', gw('/endpoints/bindings/delete'), API_3, [ENDPOINT]),
  // Without an endpoint_id every binding is listed: administrators only (no-targets), as in MLflow.
  route('ListGatewayEndpointBindings', 'GET', gw('/endpoints/bindings/list'), API_3, [
    { resource: 'gateway_endpoint', names: ['endpoint_id'] },
  ]),
];

const BUDGET_ROUTES: readonly RouteSpec[] = [
  route('CreateGatewayBudgetPolicy', 'POST', gw('/budgets/create'), API_3),
  route('GetGatewayBudgetPolicy', 'GET', gw('/budgets/get'), API_3),
  route('UpdateGatewayBudgetPolicy', 'POST', gw('/budgets/update'), API_3),
  route('DeleteGatewayBudgetPolicy', 'DELETE', gw('/budgets/delete'), API_3),
  route('ListGatewayBudgetPolicies', 'GET', gw('/budgets/list'), API_3),
  route('ListGatewayBudgetWindows', 'GET', gw('/budgets/windows'), API_3),
];

const GUARDRAIL_ROUTES: readonly RouteSpec[] = [
  route('CreateGatewayGuardrail', 'POST', gw('/guardrails/create'), API_3),
  route('GetGatewayGuardrail', 'GET', gw('/guardrails/get'), API_3),
  route('DeleteGatewayGuardrail', 'DELETE', gw('/guardrails/delete'), API_3),
  route('ListGatewayGuardrails', 'GET', gw('/guardrails/list'), API_3),
  // Attaching a guardrail serves its scorer through the endpoint (MLflow also vetoes by the scorer's grants).
  route('AddGuardrailToEndpoint', 'POST', gw('/guardrails/add-to-endpoint'), API_3),
  route('UpdateEndpointGuardrailConfig', 'PATCH', gw('/guardrails/update-config'), API_3),
  route('RemoveGuardrailFromEndpoint', 'DELETE', gw('/guardrails/remove-from-endpoint'), API_3, [ENDPOINT]),
  route('ListEndpointGuardrailConfigs', 'GET', gw('/guardrails/list-for-endpoint'), API_3, [ENDPOINT]),
];

/** Static provider information for the UI's forms (Flask routes outside the protobuf services). */
const PROVIDER_ROUTES: readonly RouteSpec[] = [
  route('ListGatewaySupportedProviders', 'GET', gw('/supported-providers'), ['/ajax-api/3.0']),
  route('ListGatewaySupportedModels', 'GET', gw('/supported-models'), ['/ajax-api/3.0']),
  route('GetGatewayProviderConfig', 'GET', gw('/provider-config'), ['/ajax-api/3.0']),
];

/** The FastAPI gateway router: every invocation needs USE on the endpoint it names. */
const INVOCATION_ROUTES: readonly RouteSpec[] = [
  route('InvokeGatewayEndpoint', 'POST', '/gateway/{endpoint_name}/mlflow/invocations', ROOT, [NAMED_IN_PATH], FASTAPI),
  ...[
    '/gateway/mlflow/v1/chat/completions',
    '/gateway/openai/v1/chat/completions',
    '/gateway/openai/v1/embeddings',
    '/gateway/openai/v1/responses',
    '/gateway/openai/v1/responses/compact',
    '/gateway/anthropic/v1/messages',
    '/gateway/typesafe/v1/systemone',
  ].map((path) => route('InvokeGatewayPassthrough', 'POST', path, ROOT, [NAMED_BY_MODEL], FASTAPI)),
  route(
    'InvokeGatewayPassthrough',
    'POST',
    '/gateway/gemini/v1beta/models/{endpoint_name}:generateContent',
    ROOT,
    [NAMED_IN_PATH],
    FASTAPI,
  ),
  route(
    'InvokeGatewayPassthrough',
    'POST',
    '/gateway/gemini/v1beta/models/{endpoint_name}:streamGenerateContent',
    ROOT,
    [NAMED_IN_PATH],
    FASTAPI,
  ),
  route('InvokeGatewayRawProxy', 'POST', '/gateway/proxy/{endpoint_name}/{path:path}', ROOT, [NAMED_IN_PATH], FASTAPI),
  // MLflow 3.17.2 lists every endpoint's name to any authenticated caller here.
  route('ListGatewayModels', 'GET', '/gateway/mlflow/v1/models', ROOT, [], FASTAPI),
];

export const GATEWAY_ROUTES: readonly RouteSpec[] = [
  ...SECRET_ROUTES,
  ...MODEL_DEFINITION_ROUTES,
  ...ENDPOINT_ROUTES,
  ...BUDGET_ROUTES,
  ...GUARDRAIL_ROUTES,
  ...PROVIDER_ROUTES,
  ...INVOCATION_ROUTES,
];
