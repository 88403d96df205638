/**
 * The MCP server registry (FastAPI, h/gateway). As MLflow's auth (_get_mcp_server_validator): grants per server
 * (`mcp_server`, keyed by its `namespace/slug` name, the `{name:path}` of the path); a read (GET) needs READ, a
 * write (POST, PATCH) EDIT, a delete MANAGE, whether the server, its aliases, access endpoints, tags or versions are
 * the subject. Creating a server gives the creator MANAGE. The searches across servers are for administrators
 * until they are filtered (docs/routes-gateway.md).
 */
import { API_3, route, type HttpMethod, type RouteSpec, type TargetSpec } from '../route-spec.js';
import type { Handling } from '../route-spec.js';
import type { OperationName } from '../operations.js';

const SERVER: TargetSpec = { resource: 'mcp_server', names: ['name'], in: 'path', required: true };

const m = (
  operation: OperationName,
  method: HttpMethod,
  path: string,
  targets: readonly TargetSpec[] = [SERVER],
  handling: Handling = 'stream',
): RouteSpec =>
  route(operation, method, `/mlflow/mcp-servers${path}`, API_3, targets, { framework: 'fastapi', handling });

export const MCP_SERVER_ROUTES: readonly RouteSpec[] = [
  m('CreateMcpServer', 'POST', '', [], 'capture-created-mcp-server'),
  m('SearchMcpServers', 'GET', '', []),
  m('SearchMcpAccessEndpoints', 'GET', '/endpoints', []),
  m('GetMcpServer', 'GET', '/{name:path}'),
  m('UpdateMcpServer', 'PATCH', '/{name:path}'),
  m('DeleteMcpServer', 'DELETE', '/{name:path}', [SERVER], 'sweep-deleted-grants'),
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
  // MLflow creates a missing server here (its creator then gets MANAGE); mlgate asks EDIT on an existing server, so
  // a non-administrator creates the server first.
  m('CreateMcpServerVersion', 'POST', '/{name:path}/versions'),
  m('GetMcpServerVersion', 'GET', '/{name:path}/versions/{version:path}'),
  m('UpdateMcpServerVersion', 'PATCH', '/{name:path}/versions/{version:path}'),
  m('DeleteMcpServerVersion', 'DELETE', '/{name:path}/versions/{version:path}'),
  m('SetMcpServerVersionTag', 'POST', '/{name:path}/versions/{version:path}/tags'),
  m('DeleteMcpServerVersionTag', 'DELETE', '/{name:path}/versions/{version:path}/tags/{key:path}'),
];
