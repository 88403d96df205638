/**
 * MCP servers (h/gateway). MLflow's auth keys an MCP server's grants by its name, `namespace/slug`
 * (`resource_type="mcp_server"`), and MLflow only accepts names of exactly that shape (validate_mcp_server_name).
 * A name can be deleted and created again, so it is looked up on every request.
 */
import { MlgateError } from '../../errors.js';
import type { ResourceKind } from './kind.js';

export const mcpServer: ResourceKind = {
  name: 'mcp_server',
  carrier: 'mcp_server',
  describe: (ref) => `MCP server "${ref}"`,
  validate(value) {
    const parts = value.split('/');
    if (parts.length !== 2 || parts.some((part) => part === '')) {
      throw new MlgateError(
        'MLGATE_REQUEST_INVALID',
        `"${value}" is not an MCP server name: MLflow names MCP servers <namespace>/<slug>, e.g. com.example/search.`,
      );
    }
  },
  resolve: async (value, client) => {
    const name = await client.mcpServerName(value);
    return name === null ? null : [{ type: 'mcp_server', id: name }];
  },
  foundTtlMs: 0,
  rememberMissing: false,
};
