/**
 * Who may create each resource type, from the configuration (permissions.*_creators) through the policy's data to
 * the shipped policy's decision and the refusal the caller reads.
 */
import { expect } from 'chai';

import type { Principal } from '../../../src/auth/principal.js';
import { loadConfig } from '../../../src/config/load.js';
import { denialError } from '../../../src/http/denial.js';
import { defaultBundlePath } from '../../../src/paths.js';
import { readBundle } from '../../../src/policy/bundle.js';
import { runtimeData } from '../../../src/policy/data.js';
import { type DecisionEngine, createDecisionEngine } from '../../../src/policy/engine.js';
import { buildPolicyInput } from '../../../src/policy/input.js';

const caller = (groups: string[]): Principal => ({
  authenticated: true,
  username: 'bob',
  isAdmin: false,
  groups,
  method: 'basic',
});

function create(engine: DecisionEngine, principal: Principal, operation: string) {
  return engine.decide(
    buildPolicyInput({
      principal,
      operation,
      targets: [],
      grants: new Map(),
      method: 'POST',
      path: '/',
      now: new Date(0),
    }),
  );
}

describe('creator groups from the configuration', () => {
  const cases = [
    ['permissions.gateway_endpoint_creators', 'MLGATE_PERMISSIONS_GATEWAY_ENDPOINT_CREATORS', 'CreateGatewayEndpoint'],
    ['permissions.mcp_server_creators', 'MLGATE_PERMISSIONS_MCP_SERVER_CREATORS', 'CreateMcpServer'],
  ] as const;
  const others = { CreateGatewayEndpoint: 'CreateMcpServer', CreateMcpServer: 'CreateGatewayEndpoint' } as const;

  for (const [option, variable, operation] of cases) {
    it(`${option} limits ${operation} to its groups, and nothing else`, async () => {
      const { config } = loadConfig({ env: { MLGATE_SERVER_MODE: 'development', [variable]: 'platform, tools' } });
      const data = runtimeData(config);
      const type = operation === 'CreateMcpServer' ? 'mcp_server' : 'gateway_endpoint';
      expect(data.config.creators[type]).to.deep.equal(['platform', 'tools']);
      const engine = createDecisionEngine();
      await engine.load(await readBundle(defaultBundlePath()), data);

      const refused = create(engine, caller(['team-b']), operation);
      expect(refused.allow).to.equal(false);
      expect(refused.reasons).to.deep.equal(['creation-restricted']);
      const error = denialError(refused, { operation, method: 'POST', path: '/', targets: [] });
      expect(error).to.include({ code: 'MLGATE_PERMISSION_DENIED', status: 403 });
      expect(error.message).to.include(option).and.include('Ask an administrator to add you');

      expect(create(engine, caller(['tools']), operation).allow).to.equal(true);
      expect(create(engine, { ...caller([]), isAdmin: true }, operation).allow).to.equal(true);
      // The other type stays open to every authenticated caller.
      expect(create(engine, caller(['team-b']), others[operation]).allow).to.equal(true);
    });
  }

  it('leaves both open by default (empty lists)', async () => {
    const { config } = loadConfig({ env: { MLGATE_SERVER_MODE: 'development' } });
    const data = runtimeData(config);
    expect(data.config.creators['gateway_endpoint']).to.deep.equal([]);
    expect(data.config.creators['mcp_server']).to.deep.equal([]);
    const engine = createDecisionEngine();
    await engine.load(await readBundle(defaultBundlePath()), data);
    for (const operation of ['CreateGatewayEndpoint', 'CreateMcpServer']) {
      expect(create(engine, caller([]), operation).allow, operation).to.equal(true);
    }
  });
});
