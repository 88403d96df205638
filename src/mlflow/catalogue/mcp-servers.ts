/**
 * The MCP server registry (FastAPI, h/gateway). MLflow's auth grants per server (`mcp_server`, keyed by its
 * `namespace/slug` name, with a version tier); mlgate has no such permission type yet, so every route is for
 * administrators (docs/routes-gateway.md).
 */
import { API_3, route, type HttpMethod, type RouteSpec } from '../route-spec.js';
import type { OperationName } from '../operations.js';

const m = (operation: OperationName, method: HttpMethod, path: string): RouteSpec =>
  route(operation, method, `/mlflow/mcp-servers${path}`, API_3, [], { framework: 'fastapi' });

export const MCP_SERVER_ROUTES: readonly RouteSpec[] = [
  m('CreateMcpServer', 'POST', ''),
  m('SearchMcpServers', 'GET', ''),
  m('SearchMcpAccessEndpoints', 'GET', '/endpoints'),
  m('GetMcpServer', 'GET', '/{name:path}'),
  m('UpdateMcpServer', 'PATCH', '/{name:path}'),
  m('DeleteMcpServer', 'DELETE', '/{name:path}'),
  m('SetMcpServerAlias', 'POST', '/{name:path}/aliases'),
  m('GetMcpServerAlias', 'GET', '/{name:path}/aliases/{alias:path}'),
  m('DeleteMcpServerAlias', 'DELETE', '/{name:path}/aliases/{alias:path}'),
  m('ListMcpServerAccessEndpoints', 'GET', '/{name:path}/endpoints'),
  m('CreateMcpAccessEndpoint', 'POST', '/{name:path}/endpoints'),
  m('GetMcpAccessEndpoint', 'GET', '/{name:path}/endpoints/{endpoint_id}'),
  m('UpdateMcpAccessEndpoint', 'PATCH', '/{name:path}/endpoints/{endpoint_id}'),
  m('DeleteMcpAccessEndpoint', 'DELETE', '/{name:path}/endpoints/{endpoint_id}'),
  m('SetMcpServerTag', 'POST', '/{name:path}/tags'),
  m('DeleteMcpServerTag', 'DELETE', '/{name:path}/tags/{key:path}'),
  m('ListMcpServerVersions', 'GET', '/{name:path}/versions'),
  m('CreateMcpServerVersion', 'POST', '/{name:path}/versions'),
  m('GetMcpServerVersion', 'GET', '/{name:path}/versions/{version:path}'),
  m('UpdateMcpServerVersion', 'PATCH', '/{name:path}/versions/{version:path}'),
  m('DeleteMcpServerVersion', 'DELETE', '/{name:path}/versions/{version:path}'),
  m('SetMcpServerVersionTag', 'POST', '/{name:path}/versions/{version:path}/tags'),
  m('DeleteMcpServerVersionTag', 'DELETE', '/{name:path}/versions/{version:path}/tags/{key:path}'),
];
