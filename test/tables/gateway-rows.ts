/**
 * AI gateway, webhook, MCP server, assistant and workspace routes as a client sends them (h/gateway): the
 * request, the operation, and what the shipped policy asks of a non-administrator: a permission on the AI gateway
 * endpoints it names, authentication, administrators only, or the assistant setting
 * (test/unit/mlflow/gateway-routes.test.ts). The route coverage check (test/unit/pipeline/route-table.test.ts)
 * counts these rows too.
 */
import type { PermissionLevel } from '../../src/config/schema.js';

export interface GatewayRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query?: string;
  readonly body?: Record<string, unknown>;
}

/** `admin`, `authenticated`, `create` (any caller, who is granted the new resource), `assistant`, or the permission on
 * each resource named (kind:value). */
export type Requirement =
  | 'admin'
  | 'authenticated'
  | 'create'
  | 'assistant'
  | {
      /** Each resource named (kind:value) with the permission it needs. */
      readonly named: readonly (readonly [ref: string, permission: PermissionLevel])[];
      /** The request creates a resource, granted to its creator. */
      readonly creates?: true;
    };

export interface GatewayRow {
  readonly request: GatewayRequest;
  readonly operation: string;
  readonly requires: Requirement;
}

export const ENDPOINT_ID = 'e-0123456789abcdef0123456789abcdef';
const byId = [`gateway_endpoint:${ENDPOINT_ID}`];
const byName = ['gateway_endpoint_name:chat'];

const row = (
  method: GatewayRequest['method'],
  path: string,
  operation: string,
  requires: Requirement,
  extra: { query?: string; body?: Record<string, unknown> } = {},
): GatewayRow => ({ request: { method, path, ...extra }, operation, requires });

const G3 = '/api/3.0/mlflow/gateway';
const UI3 = '/ajax-api/3.0/mlflow';
const ID = { endpoint_id: ENDPOINT_ID };
const need = (permission: PermissionLevel, named: readonly string[]): Requirement => ({
  named: named.map((ref) => [ref, permission] as const),
});

export const GATEWAY_ROWS: readonly GatewayRow[] = [
  // Secrets and model definitions.
  row('POST', `${G3}/secrets/create`, 'CreateGatewaySecret', 'admin', { body: { secret_name: 's' } }),
  row('GET', `${G3}/secrets/get`, 'GetGatewaySecretInfo', 'admin', { query: 'secret_id=s-1' }),
  row('POST', `${G3}/secrets/update`, 'UpdateGatewaySecret', 'admin', { body: { secret_id: 's-1' } }),
  row('DELETE', `${G3}/secrets/delete`, 'DeleteGatewaySecret', 'admin', { body: { secret_id: 's-1' } }),
  row('GET', `${G3}/secrets/list`, 'ListGatewaySecretInfos', 'admin'),
  row('GET', `${UI3}/gateway/secrets/config`, 'GetGatewaySecretsConfig', 'admin'),
  row('POST', `${G3}/model-definitions/create`, 'CreateGatewayModelDefinition', 'admin', { body: { name: 'm' } }),
  row('GET', `${G3}/model-definitions/get`, 'GetGatewayModelDefinition', need('READ', ['gateway_model_definition:d']), {
    query: 'model_definition_id=d',
  }),
  row('POST', `${G3}/model-definitions/update`, 'UpdateGatewayModelDefinition', 'admin', { body: {} }),
  row('DELETE', `${G3}/model-definitions/delete`, 'DeleteGatewayModelDefinition', 'admin', { body: {} }),
  row('GET', `${G3}/model-definitions/list`, 'ListGatewayModelDefinitions', 'admin'),
  // Endpoints.
  row('POST', `${G3}/endpoints/create`, 'CreateGatewayEndpoint', 'create', { body: { name: 'chat' } }),
  row(
    'POST',
    `${G3}/endpoints/create`,
    'CreateGatewayEndpoint',
    {
      named: [
        ['gateway_model_definition:d-1', 'USE'],
        ['gateway_model_definition:d-2', 'USE'],
        ['experiment:7', 'EDIT'],
      ],
      creates: true,
    },
    {
      body: {
        name: 'chat',
        model_configs: [{ model_definition_id: 'd-1' }, { model_definition_id: 'd-2' }],
        experiment_id: '7',
      },
    },
  ),
  row(
    'POST',
    `${G3}/endpoints/update`,
    'UpdateGatewayEndpoint',
    {
      named: [
        [`gateway_endpoint:${ENDPOINT_ID}`, 'EDIT'],
        ['gateway_model_definition:d-1', 'USE'],
      ],
    },
    { body: { ...ID, model_configs: [{ model_definition_id: 'd-1' }] } },
  ),
  row('POST', `${G3}/endpoints/update`, 'UpdateGatewayEndpoint', need('EDIT', byId), { body: { ...ID, name: 'x' } }),
  row(
    'POST',
    `${G3}/endpoints/models/attach`,
    'AttachModelToGatewayEndpoint',
    {
      named: [
        [`gateway_endpoint:${ENDPOINT_ID}`, 'EDIT'],
        ['gateway_model_definition:d-1', 'USE'],
      ],
    },
    { body: { ...ID, model_config: { model_definition_id: 'd-1' } } },
  ),
  row('GET', `${G3}/endpoints/list`, 'ListGatewayEndpoints', 'authenticated'),
  row('GET', `${G3}/endpoints/get`, 'GetGatewayEndpoint', need('READ', byId), { query: `endpoint_id=${ENDPOINT_ID}` }),
  row('GET', `${G3}/endpoints/get`, 'GetGatewayEndpoint', need('READ', byName), { query: 'name=chat' }),
  row('DELETE', `${G3}/endpoints/delete`, 'DeleteGatewayEndpoint', need('MANAGE', byId), { body: ID }),
  row('POST', `${G3}/endpoints/models/detach`, 'DetachModelFromGatewayEndpoint', need('EDIT', byId), { body: ID }),
  row('POST', `${G3}/endpoints/set-tag`, 'SetGatewayEndpointTag', need('EDIT', byId), {
    body: { ...ID, key: 'k', value: 'v' },
  }),
  row('DELETE', `${G3}/endpoints/delete-tag`, 'DeleteGatewayEndpointTag', need('EDIT', byId), { body: ID }),
  row('POST', `${G3}/endpoints/bindings/create`, 'CreateGatewayEndpointBinding', need('EDIT', byId), { body: ID }),
  row('DELETE', `${G3}/endpoints/bindings/delete`, 'DeleteGatewayEndpointBinding', need('EDIT', byId), { body: ID }),
  row('GET', `${G3}/endpoints/bindings/list`, 'ListGatewayEndpointBindings', need('READ', byId), {
    query: `endpoint_id=${ENDPOINT_ID}`,
  }),
  // Budgets and guardrails.
  row('POST', `${G3}/budgets/create`, 'CreateGatewayBudgetPolicy', 'admin', { body: {} }),
  row('GET', `${G3}/budgets/get`, 'GetGatewayBudgetPolicy', 'authenticated', { query: 'budget_policy_id=b' }),
  row('POST', `${G3}/budgets/update`, 'UpdateGatewayBudgetPolicy', 'admin', { body: {} }),
  row('DELETE', `${G3}/budgets/delete`, 'DeleteGatewayBudgetPolicy', 'admin', { body: {} }),
  row('GET', `${G3}/budgets/list`, 'ListGatewayBudgetPolicies', 'authenticated'),
  row('GET', `${G3}/budgets/windows`, 'ListGatewayBudgetWindows', 'authenticated'),
  row('POST', `${G3}/guardrails/create`, 'CreateGatewayGuardrail', 'admin', { body: {} }),
  row('GET', `${G3}/guardrails/get`, 'GetGatewayGuardrail', 'admin', { query: 'guardrail_id=g' }),
  row('DELETE', `${G3}/guardrails/delete`, 'DeleteGatewayGuardrail', 'admin', { body: {} }),
  row('GET', `${G3}/guardrails/list`, 'ListGatewayGuardrails', 'admin'),
  row('POST', `${G3}/guardrails/add-to-endpoint`, 'AddGuardrailToEndpoint', 'admin', { body: ID }),
  row('PATCH', `${G3}/guardrails/update-config`, 'UpdateEndpointGuardrailConfig', 'admin', { body: ID }),
  row('DELETE', `${G3}/guardrails/remove-from-endpoint`, 'RemoveGuardrailFromEndpoint', need('EDIT', byId), {
    body: { ...ID, guardrail_id: 'g' },
  }),
  row('GET', `${G3}/guardrails/list-for-endpoint`, 'ListEndpointGuardrailConfigs', need('READ', byId), {
    query: `endpoint_id=${ENDPOINT_ID}`,
  }),
  row('GET', `${UI3}/gateway/supported-providers`, 'ListGatewaySupportedProviders', 'authenticated'),
  row('GET', `${UI3}/gateway/supported-models`, 'ListGatewaySupportedModels', 'authenticated', {
    query: 'provider=openai',
  }),
  row('GET', `${UI3}/gateway/provider-config`, 'GetGatewayProviderConfig', 'authenticated', { query: 'provider=x' }),
  // Invocation (FastAPI).
  row('POST', '/gateway/chat/mlflow/invocations', 'InvokeGatewayEndpoint', need('USE', byName), { body: {} }),
  ...[
    '/gateway/mlflow/v1/chat/completions',
    '/gateway/openai/v1/chat/completions',
    '/gateway/openai/v1/embeddings',
    '/gateway/openai/v1/responses',
    '/gateway/openai/v1/responses/compact',
    '/gateway/anthropic/v1/messages',
    '/gateway/typesafe/v1/systemone',
  ].map((path) => row('POST', path, 'InvokeGatewayPassthrough', need('USE', byName), { body: { model: 'chat' } })),
  row('POST', '/gateway/gemini/v1beta/models/chat:generateContent', 'InvokeGatewayPassthrough', need('USE', byName), {
    body: {},
  }),
  row(
    'POST',
    '/gateway/gemini/v1beta/models/chat:streamGenerateContent',
    'InvokeGatewayPassthrough',
    need('USE', byName),
    { body: {} },
  ),
  row('POST', '/gateway/proxy/chat/v1/chat/completions', 'InvokeGatewayRawProxy', need('USE', byName), { body: {} }),
  row('GET', '/gateway/mlflow/v1/models', 'ListGatewayModels', 'authenticated'),
  // Webhooks.
  row('POST', '/api/2.0/mlflow/webhooks', 'CreateWebhook', 'admin', { body: { name: 'w' } }),
  row('GET', '/api/2.0/mlflow/webhooks', 'ListWebhooks', 'admin'),
  row('GET', '/api/2.0/mlflow/webhooks/w1', 'GetWebhook', 'admin'),
  row('PATCH', '/api/2.0/mlflow/webhooks/w1', 'UpdateWebhook', 'admin', { body: {} }),
  row('DELETE', '/api/2.0/mlflow/webhooks/w1', 'DeleteWebhook', 'admin'),
  row('POST', '/ajax-api/2.0/mlflow/webhooks/w1/test', 'TestWebhook', 'admin', { body: {} }),
  // Workspaces.
  row('GET', '/api/3.0/mlflow/workspaces', 'ListWorkspaces', 'authenticated'),
  row('POST', '/api/3.0/mlflow/workspaces', 'CreateWorkspace', 'admin', { body: { name: 'w' } }),
  row('GET', '/api/3.0/mlflow/workspaces/default', 'GetWorkspace', 'authenticated'),
  row('PATCH', '/api/3.0/mlflow/workspaces/default', 'UpdateWorkspace', 'admin', { body: {} }),
  row('DELETE', '/api/3.0/mlflow/workspaces/team', 'DeleteWorkspace', 'admin'),
  // The assistant.
  ...(
    [
      ['GET', '/config', 'AssistantGetConfig'],
      ['PUT', '/config', 'AssistantUpdateConfig'],
      ['POST', '/message', 'AssistantSendMessage'],
      ['GET', '/providers', 'AssistantListProviders'],
      ['GET', '/providers/claude_code/health', 'AssistantProviderHealth'],
      ['GET', '/providers/claude_code/models', 'AssistantListProviderModels'],
      ['PATCH', '/sessions/s1', 'AssistantUpdateSession'],
      ['POST', '/sessions/s1/permission', 'AssistantResolvePermission'],
      ['GET', '/sessions/s1/stream', 'AssistantStreamSession'],
      ['POST', '/sessions/s1/tool-result', 'AssistantToolResult'],
      ['POST', '/skills/install', 'AssistantInstallSkills'],
    ] as const
  ).map(([method, path, operation]) =>
    row(method, `${UI3}/assistant${path}`, operation, 'assistant', method === 'GET' ? {} : { body: {} }),
  ),
  // MCP servers: per server (mcp_server, by name); creation for any caller (creator MANAGE); searches for administrators.
  row('POST', '/api/3.0/mlflow/mcp-servers', 'CreateMcpServer', 'create', { body: { name: 'ns/srv' } }),
  row('GET', '/api/3.0/mlflow/mcp-servers', 'SearchMcpServers', 'admin'),
  row('GET', '/ajax-api/3.0/mlflow/mcp-servers/endpoints', 'SearchMcpAccessEndpoints', 'admin'),
  ...(
    [
      ['GET', '', 'GetMcpServer', 'READ'],
      ['PATCH', '', 'UpdateMcpServer', 'EDIT'],
      ['DELETE', '', 'DeleteMcpServer', 'MANAGE'],
      ['POST', '/aliases', 'SetMcpServerAlias', 'EDIT'],
      ['GET', '/aliases/prod', 'GetMcpServerAlias', 'READ'],
      ['DELETE', '/aliases/prod', 'DeleteMcpServerAlias', 'MANAGE'],
      ['GET', '/endpoints', 'ListMcpServerAccessEndpoints', 'READ'],
      ['POST', '/endpoints', 'CreateMcpAccessEndpoint', 'EDIT'],
      ['GET', '/endpoints/a1', 'GetMcpAccessEndpoint', 'READ'],
      ['PATCH', '/endpoints/a1', 'UpdateMcpAccessEndpoint', 'EDIT'],
      ['DELETE', '/endpoints/a1', 'DeleteMcpAccessEndpoint', 'MANAGE'],
      ['POST', '/tags', 'SetMcpServerTag', 'EDIT'],
      ['DELETE', '/tags/k', 'DeleteMcpServerTag', 'MANAGE'],
      ['GET', '/versions', 'ListMcpServerVersions', 'READ'],
      ['POST', '/versions', 'CreateMcpServerVersion', 'EDIT'],
      ['GET', '/versions/1.0.0', 'GetMcpServerVersion', 'READ'],
      ['PATCH', '/versions/1.0.0', 'UpdateMcpServerVersion', 'EDIT'],
      ['DELETE', '/versions/1.0.0', 'DeleteMcpServerVersion', 'MANAGE'],
      ['POST', '/versions/1.0.0/tags', 'SetMcpServerVersionTag', 'EDIT'],
      ['DELETE', '/versions/1.0.0/tags/k', 'DeleteMcpServerVersionTag', 'MANAGE'],
    ] as const
  ).map(([method, path, operation, permission]) =>
    row(
      method,
      `/api/3.0/mlflow/mcp-servers/ns/srv${path}`,
      operation,
      need(permission, ['mcp_server:ns/srv']),
      method === 'GET' ? {} : { body: {} },
    ),
  ),
];
