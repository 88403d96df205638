/**
 * CreateMcpServer (h/gateway): proxied, and once MLflow created the server, the creator (and their groups, as the
 * policy obliges) is granted on it by its name, as MLflow's auth grants MANAGE to the creator. The server exists
 * whatever happens here: a failure is logged with the command that repairs it, and the answer carries an
 * X-Mlgate-Warning header.
 */
import type { CapturedResponse } from '../../proxy/upstream.js';
import { type CreationGrant, creationGrants, grantCreation } from '../obligations.js';
import { proxy } from './proxy.js';
import type { ForwardDeps, ForwardHandler, GatewayContext } from './types.js';

export const createMcpServer: ForwardHandler = (deps, ctx) =>
  proxy(deps, ctx, (response) => grantCreator(deps, ctx, response));

async function grantCreator(
  deps: ForwardDeps,
  ctx: GatewayContext,
  response: CapturedResponse,
): Promise<CapturedResponse> {
  const { principal, decision, logger } = ctx.state;
  if (response.status !== 200 || principal?.username == null) {
    return response;
  }
  const name = createdName(response.body);
  let grants: CreationGrant[] = [];
  try {
    grants = creationGrants(decision?.obligations ?? [], principal.username);
    if (grants.length === 0) {
      return response;
    }
    if (name === undefined) {
      throw new Error('the answer of MLflow has no MCP server name');
    }
    await grantCreation({ ...deps, logger }, grants, { type: 'mcp_server', id: name });
    return response;
  } catch (error) {
    const repair =
      name === undefined
        ? 'find the server in MLflow and grant it'
        : grants
            .map(
              (g) =>
                `mlgate grant --mcp-server ${name} --${g.principalType} ${g.principal} --permission ${g.permission}`,
            )
            .join(' && ') || 'grant it as the policy asks';
    logger.error('creator grant failed', { mcp_server: name ?? null, user: principal.username, repair, error });
    const warning = `the MCP server was created, but granting its creator failed; an administrator must run: ${repair}`;
    return { ...response, headers: { ...response.headers, 'x-mlgate-warning': warning } };
  }
}

function createdName(body: Buffer): string | undefined {
  try {
    const name = (JSON.parse(body.toString('utf8')) as Record<string, unknown>)['name'];
    return typeof name === 'string' && name !== '' ? name : undefined;
  } catch {
    return undefined;
  }
}
