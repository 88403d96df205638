/** The resource options of mlgate grant|revoke|grants for the AI gateway and MCP servers (h/gateway). */
import { expect } from 'chai';

import { resourceOf } from '../../../src/cli/grant-commands.js';
import { MlgateError } from '../../../src/errors.js';

const none = { experiment: undefined, 'registered-model': undefined, prompt: undefined };

describe('grant resources: AI gateway endpoints and MCP servers', () => {
  it('names an AI gateway endpoint by its id and an MCP server by its namespace/slug', () => {
    expect(resourceOf({ ...none, 'gateway-endpoint': 'e-aff9daac3e85450f970391539a43dc1c' })).to.deep.equal({
      type: 'gateway_endpoint',
      id: 'e-aff9daac3e85450f970391539a43dc1c',
      label: 'AI gateway endpoint e-aff9daac3e85450f970391539a43dc1c',
    });
    expect(resourceOf({ ...none, 'gateway-model-definition': 'd-039934c50af049f88be6af30704a4546' })).to.deep.equal({
      type: 'gateway_model_definition',
      id: 'd-039934c50af049f88be6af30704a4546',
      label: 'AI gateway model definition d-039934c50af049f88be6af30704a4546',
    });
    expect(resourceOf({ ...none, 'mcp-server': 'com.example/search' })).to.deep.equal({
      type: 'mcp_server',
      id: 'com.example/search',
      label: 'MCP server "com.example/search"',
    });
  });

  it('refuses an endpoint named by its name, and MCP server names MLflow could not have given', () => {
    for (const args of [
      { 'gateway-endpoint': 'chat' },
      { 'gateway-endpoint': 'E-AFF9' },
      { 'gateway-model-definition': 'md1' },
      { 'mcp-server': 'search' },
      { 'mcp-server': 'a/b/c' },
      { 'mcp-server': '/search' },
      { 'mcp-server': 'com.example/se arch' },
    ]) {
      expect(() => resourceOf({ ...none, ...args }), JSON.stringify(args)).to.throw(MlgateError, /must be/);
    }
  });

  it('takes exactly one resource', () => {
    expect(() => resourceOf({ ...none, experiment: '1', 'mcp-server': 'a/b' })).to.throw(MlgateError, /exactly one/);
  });
});
