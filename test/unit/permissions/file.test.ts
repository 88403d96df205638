import { expect } from 'chai';

import type { MlgateError } from '../../../src/errors.js';
import { parsePermissionsFile } from '../../../src/permissions/file.js';

function problems(text: string): string[] {
  try {
    parsePermissionsFile(text, 'perms.yaml');
  } catch (error) {
    expect((error as MlgateError).code).to.equal('MLGATE_PERMISSIONS_FILE_INVALID');
    return ((error as MlgateError).details as { problems: string[] }).problems;
  }
  return [];
}

describe('permissions file', () => {
  it('reads groups, grants by id or name, and rules, normalising levels and usernames', () => {
    const file = parsePermissionsFile(
      `
groups:
  - name: analysts
    description: Analytics
    creator_permission: edit
  - name: plain
grants:
  - { experiment: "12", group: analysts, permission: READ }
  - { experiment_name: team-a/churn, user: Alice, permission: manage }
  - { registered_model: churn, group: ml, permission: EDIT }
  - { prompt: summarise, group: ml, permission: READ }
  - { gateway_endpoint: e-0a1b, user: bob, permission: USE }
  - { mcp_server: com.example/search, group: ml, permission: EDIT }
rules:
  - { group: team-a, pattern: "team-a/.*", priority: 10, permission: NO_PERMISSIONS }
  - { group: ml, type: registered_model, pattern: "ml-.*", priority: 1, permission: READ }
`,
      'perms.yaml',
    );
    expect(file.groups).to.deep.equal([
      { name: 'analysts', description: 'Analytics', creatorPermission: 'EDIT' },
      { name: 'plain', description: '', creatorPermission: null },
    ]);
    expect(file.grants).to.deep.equal([
      {
        principalType: 'group',
        principal: 'analysts',
        resourceType: 'experiment',
        resourceId: '12',
        permission: 'READ',
      },
      {
        principalType: 'user',
        principal: 'alice',
        resourceType: 'experiment',
        experimentName: 'team-a/churn',
        permission: 'MANAGE',
      },
      {
        principalType: 'group',
        principal: 'ml',
        resourceType: 'registered_model',
        resourceId: 'churn',
        permission: 'EDIT',
      },
      { principalType: 'group', principal: 'ml', resourceType: 'prompt', resourceId: 'summarise', permission: 'READ' },
      // The AI gateway (h/gateway).
      {
        principalType: 'user',
        principal: 'bob',
        resourceType: 'gateway_endpoint',
        resourceId: 'e-0a1b',
        permission: 'USE',
      },
      {
        principalType: 'group',
        principal: 'ml',
        resourceType: 'mcp_server',
        resourceId: 'com.example/search',
        permission: 'EDIT',
      },
    ]);
    expect(file.rules).to.deep.equal([
      {
        principalType: 'group',
        principal: 'team-a',
        resourceType: 'experiment',
        pattern: 'team-a/.*',
        priority: 10,
        permission: 'NO_PERMISSIONS',
      },
      {
        principalType: 'group',
        principal: 'ml',
        resourceType: 'registered_model',
        pattern: 'ml-.*',
        priority: 1,
        permission: 'READ',
      },
    ]);
  });

  it('reads an empty file as nothing declared', () => {
    expect(parsePermissionsFile('', 'p')).to.deep.equal({ groups: [], grants: [], rules: [] });
  });

  it('lists every problem with its place, at once', () => {
    const found = problems(`
groups:
  - { name: "-bad", creator_permission: NO_PERMISSIONS }
grants:
  - { experiment: 12, group: g, permission: READ }
  - { experiment: "007", user: bob, group: g, permission: OWNER }
  - { experiment_name: x, experiment: "3", user: bob, permission: READ }
  - { gateway_endpoint: chat, user: bob, permission: USE }
  - { mcp_server: just-a-slug, user: bob, permission: USE }
rules:
  - { group: g, pattern: "", priority: -1, permission: READ }
  - { pattern: "a", priority: 1, permission: READ }
extra: 1
`);
    const joined = found.join('\n');
    for (const place of [
      'groups.0.name',
      'groups.0.creator_permission',
      'grants.0.experiment',
      'grants.1.experiment',
      'grants.1.permission',
      'grants.1: name exactly one of user or group',
      'grants.2: name exactly one of experiment, experiment_name, registered_model, prompt, gateway_endpoint, gateway_model_definition or mcp_server',
      'grants.3.gateway_endpoint',
      'grants.4.mcp_server',
      'rules.0.pattern',
      'rules.0.priority',
      'rules.1: name exactly one of user or group',
      '(top level)',
    ]) {
      expect(joined).to.contain(place);
    }
  });

  it('refuses an object declared twice', () => {
    const found = problems(`
groups: [{ name: a }, { name: a }]
grants:
  - { experiment: "1", user: bob, permission: READ }
  - { experiment: "1", user: BOB, permission: EDIT }
rules:
  - { user: bob, pattern: "x", priority: 1, permission: READ }
  - { user: bob, pattern: "x", priority: 2, permission: EDIT }
`);
    expect(found).to.deep.equal([
      'groups.1: declares the same group as groups.0',
      'grants.1: declares the same grant as grants.0',
      'rules.1: declares the same rule as rules.0',
    ]);
  });

  it('refuses what is not YAML', () => {
    expect(problems('groups: [')[0]).to.match(/^not YAML/);
  });
});
