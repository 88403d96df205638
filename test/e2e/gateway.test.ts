/**
 * The AI gateway, webhooks, MCP servers, the assistant and workspaces (h/gateway) through mlgate, in front of the
 * real MLflow server: an administrator sets up a secret, a model definition and endpoints; invoking an endpoint
 * needs USE on it (granted with the CLI), and a granted caller gets MLflow's own answer (here MLflow's failure to
 * reach the provider: the tests have no network), never mlgate's refusal; secrets, webhooks and workspace
 * management are for administrators; the assistant is for administrators unless configured otherwise.
 */
import { expect } from 'chai';

import { GATEWAY_ROWS } from '../tables/gateway-rows.js';
import { type Credentials, basic, cli, startExtraGateway, world } from './world.js';

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function call(
  method: string,
  path: string,
  credentials: Credentials | null,
  options: { body?: object; baseUrl?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (credentials !== null) headers['authorization'] = basic(credentials);
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${options.baseUrl ?? world.gateway.url}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    body = { text };
  }
  return { status: response.status, body };
}

function expectRefused(answer: Answer, status: number, code: string): void {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  expect(answer.body['code']).to.equal(code);
}

/** The request reached MLflow: whatever MLflow answered, it is not one of mlgate's refusals. */
function expectForwarded(answer: Answer): void {
  const code = answer.body['code'];
  expect(typeof code === 'string' ? code : '', JSON.stringify(answer.body)).to.not.match(/^MLGATE_/);
  expect(answer.status).to.not.equal(403);
}

const G3 = '/api/3.0/mlflow/gateway';
const CHAT = { messages: [{ role: 'user', content: 'hi' }] };

describe('AI gateway, webhooks, MCP servers, assistant, workspaces', function () {
  this.timeout(120_000);
  const suffix = Date.now().toString(36);
  const name = `chat-${suffix}`;
  let endpointId = '';
  let modelDefinitionId = '';

  before(async () => {
    const secret = await call('POST', `${G3}/secrets/create`, world.users.admin, {
      body: { secret_name: `key-${suffix}`, secret_value: { api_key: 'sk-test' }, provider: 'openai' },
    });
    expect(secret.status, JSON.stringify(secret.body)).to.equal(200);
    const secretId = (secret.body['secret'] as { secret_id: string }).secret_id;
    const definition = await call('POST', `${G3}/model-definitions/create`, world.users.admin, {
      body: { name: `md-${suffix}`, secret_id: secretId, provider: 'openai', model_name: 'gpt-4o-mini' },
    });
    expect(definition.status, JSON.stringify(definition.body)).to.equal(200);
    modelDefinitionId = (definition.body['model_definition'] as { model_definition_id: string }).model_definition_id;
    endpointId = await createEndpoint(name);
  });

  async function createEndpoint(endpointName: string): Promise<string> {
    const created = await call('POST', `${G3}/endpoints/create`, world.users.admin, {
      body: {
        name: endpointName,
        model_configs: [{ model_definition_id: modelDefinitionId, linkage_type: 'PRIMARY', weight: 1 }],
        usage_tracking: false,
      },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(200);
    return (created.body['endpoint'] as { endpoint_id: string }).endpoint_id;
  }

  const invocations = (endpoint: string): [string, object][] => [
    [`/gateway/${endpoint}/mlflow/invocations`, CHAT],
    ['/gateway/mlflow/v1/chat/completions', { model: endpoint, ...CHAT }],
    ['/gateway/openai/v1/chat/completions', { model: endpoint, ...CHAT }],
    ['/gateway/anthropic/v1/messages', { model: endpoint, ...CHAT }],
    [`/gateway/gemini/v1beta/models/${endpoint}:generateContent`, { contents: [] }],
    [`/gateway/proxy/${endpoint}/chat/completions`, CHAT],
  ];

  it('never answers a non-administrator MLGATE_ROUTE_UNKNOWN on any route of these families', async () => {
    for (const row of GATEWAY_ROWS) {
      const { method, path, query, body } = row.request;
      const answer = await call(method, `${path}${query === undefined ? '' : `?${query}`}`, world.users.outsider, {
        ...(body === undefined ? {} : { body }),
      });
      expect(answer.body['code'], `${method} ${path}`).to.not.equal('MLGATE_ROUTE_UNKNOWN');
      if (row.requires === 'admin' || row.requires === 'assistant') {
        expectRefused(answer, 403, 'MLGATE_ADMIN_REQUIRED');
      }
    }
  });

  it('refuses an invocation without USE on the endpoint, and forwards it with USE (by path and by the body)', async () => {
    for (const [path, body] of invocations(name)) {
      expectRefused(await call('POST', path, world.users.outsider, { body }), 403, 'MLGATE_PERMISSION_DENIED');
    }
    await cli([
      'grant',
      '--gateway-endpoint',
      endpointId,
      '--user',
      world.users.reader.username,
      '--permission',
      'READ',
    ]);
    for (const [path, body] of invocations(name)) {
      expectRefused(await call('POST', path, world.users.reader, { body }), 403, 'MLGATE_PERMISSION_DENIED');
    }
    await cli([
      'grant',
      '--gateway-endpoint',
      endpointId,
      '--user',
      world.users.reader.username,
      '--permission',
      'USE',
    ]);
    for (const [path, body] of invocations(name)) {
      expectForwarded(await call('POST', path, world.users.reader, { body }));
      // Another endpoint named in the body is decided on its own: the grant is on this one only.
    }
    const other = await createEndpoint(`other-${suffix}`);
    expect(other).to.not.equal(endpointId);
    for (const [path, body] of invocations(`other-${suffix}`)) {
      expectRefused(await call('POST', path, world.users.reader, { body }), 403, 'MLGATE_PERMISSION_DENIED');
    }
    expectForwarded(await call('POST', `/gateway/${name}/mlflow/invocations`, world.users.admin, { body: CHAT }));
  });

  it('lists only the endpoints the caller may read, as MLflow filters them', async () => {
    const listed = async (credentials: Credentials, query = ''): Promise<string[]> => {
      const answer = await call('GET', `${G3}/endpoints/list${query}`, credentials);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      return ((answer.body['endpoints'] ?? []) as { endpoint_id: string }[]).map((e) => e.endpoint_id);
    };
    const hidden = await createEndpoint(`hidden-${suffix}`);
    const all = await listed(world.users.admin);
    expect(all).to.include.members([endpointId, hidden]);
    const teammate = world.users.teammate;
    expect(await listed(teammate)).to.not.include.members([endpointId]);
    expect(await listed(teammate)).to.not.include(hidden);
    await cli(['grant', '--gateway-endpoint', endpointId, '--user', teammate.username, '--permission', 'READ']);
    const seen = await listed(teammate);
    expect(seen).to.include(endpointId);
    expect(seen).to.not.include(hidden);
    expect(await listed(teammate, '?provider=openai')).to.not.include(hidden);
    // An explicit NO_PERMISSIONS hides it again.
    await cli([
      'grant',
      '--gateway-endpoint',
      endpointId,
      '--user',
      teammate.username,
      '--permission',
      'NO_PERMISSIONS',
    ]);
    expect(await listed(teammate)).to.not.include(endpointId);
  });

  it('refuses an invocation that names no endpoint, or one that does not exist', async () => {
    expectRefused(
      await call('POST', '/gateway/openai/v1/chat/completions', world.users.reader, { body: CHAT }),
      400,
      'MLGATE_REQUEST_INVALID',
    );
    expectRefused(
      await call('POST', '/gateway/openai/v1/chat/completions', world.users.reader, {
        body: { model: `missing-${suffix}`, ...CHAT },
      }),
      404,
      'MLGATE_RESOURCE_NOT_FOUND',
    );
  });

  it('decides endpoint management by the grant on the endpoint (READ, EDIT, MANAGE)', async () => {
    const user = world.users.editor;
    const tag = { endpoint_id: endpointId, key: 'team', value: 'a' };
    expectRefused(await call('GET', `${G3}/endpoints/get?name=${name}`, user), 403, 'MLGATE_PERMISSION_DENIED');
    await cli(['grant', '--gateway-endpoint', endpointId, '--user', user.username, '--permission', 'READ']);
    const got = await call('GET', `${G3}/endpoints/get?name=${name}`, user);
    expect(got.status).to.equal(200);
    expect((got.body['endpoint'] as { endpoint_id: string }).endpoint_id).to.equal(endpointId);
    expect((await call('GET', `${G3}/endpoints/get?endpoint_id=${endpointId}`, user)).status).to.equal(200);
    expectRefused(await call('POST', `${G3}/endpoints/set-tag`, user, { body: tag }), 403, 'MLGATE_PERMISSION_DENIED');
    await cli(['grant', '--gateway-endpoint', endpointId, '--user', user.username, '--permission', 'EDIT']);
    expect((await call('POST', `${G3}/endpoints/set-tag`, user, { body: tag })).status).to.equal(200);
    // An endpoint grant opens neither the secrets nor re-pointing the endpoint at a model definition without USE.
    expectRefused(await call('GET', `${G3}/secrets/list`, user), 403, 'MLGATE_ADMIN_REQUIRED');
    const repoint = { endpoint_id: endpointId, model_configs: [{ model_definition_id: modelDefinitionId, weight: 1 }] };
    expectRefused(
      await call('POST', `${G3}/endpoints/update`, user, { body: repoint }),
      403,
      'MLGATE_PERMISSION_DENIED',
    );
    expectRefused(
      await call('POST', `${G3}/endpoints/models/attach`, user, {
        body: { endpoint_id: endpointId, model_config: { model_definition_id: modelDefinitionId } },
      }),
      403,
      'MLGATE_PERMISSION_DENIED',
    );
    expectRefused(
      await call('DELETE', `${G3}/endpoints/delete`, user, { body: { endpoint_id: endpointId } }),
      403,
      'MLGATE_PERMISSION_DENIED',
    );
  });

  it('lets a caller with USE on a model definition create an endpoint serving it, and makes them its manager', async () => {
    await cli(['user', 'create', `maker-${suffix}`]);
    const creator: Credentials = {
      username: `maker-${suffix}`,
      token: await cli(['token', 'create', `maker-${suffix}`]),
    };
    const body = (endpointName: string) => ({
      name: endpointName,
      model_configs: [{ model_definition_id: modelDefinitionId, linkage_type: 'PRIMARY', weight: 1 }],
      usage_tracking: false,
    });
    expectRefused(
      await call('POST', `${G3}/endpoints/create`, creator, { body: body(`mine-${suffix}`) }),
      403,
      'MLGATE_PERMISSION_DENIED',
    );
    await cli([
      'grant',
      '--gateway-model-definition',
      modelDefinitionId,
      '--user',
      creator.username,
      '--permission',
      'READ',
    ]);
    expect(
      (await call('GET', `${G3}/model-definitions/get?model_definition_id=${modelDefinitionId}`, creator)).status,
    ).to.equal(200);
    expectRefused(
      await call('POST', `${G3}/endpoints/create`, creator, { body: body(`mine-${suffix}`) }),
      403,
      'MLGATE_PERMISSION_DENIED',
    );
    await cli([
      'grant',
      '--gateway-model-definition',
      modelDefinitionId,
      '--user',
      creator.username,
      '--permission',
      'USE',
    ]);
    const created = await call('POST', `${G3}/endpoints/create`, creator, { body: body(`mine-${suffix}`) });
    expect(created.status, JSON.stringify(created.body)).to.equal(200);
    const mine = (created.body['endpoint'] as { endpoint_id: string }).endpoint_id;
    expect(await cli(['grants', '--gateway-endpoint', mine])).to.match(new RegExp(`${creator.username}.*MANAGE`));
    expectForwarded(await call('POST', `/gateway/mine-${suffix}/mlflow/invocations`, creator, { body: CHAT }));
    expect(
      (await call('POST', `${G3}/endpoints/set-tag`, creator, { body: { endpoint_id: mine, key: 'k', value: 'v' } }))
        .status,
    ).to.equal(200);
    // Someone else's endpoint stays closed to them.
    expectRefused(
      await call('POST', `/gateway/${name}/mlflow/invocations`, creator, { body: CHAT }),
      403,
      'MLGATE_PERMISSION_DENIED',
    );
    // Usage traces go to an experiment the creator may write to, or the creation is refused.
    expectRefused(
      await call('POST', `${G3}/endpoints/create`, creator, {
        body: { ...body(`traced-${suffix}`), usage_tracking: true, experiment_id: world.sharedExperimentId },
      }),
      403,
      'MLGATE_PERMISSION_DENIED',
    );
  });

  it('removes the grants of a deleted endpoint once MLflow deleted it', async () => {
    const doomed = await createEndpoint(`doomed-${suffix}`);
    const user = world.users.editor;
    await cli(['grant', '--gateway-endpoint', doomed, '--user', user.username, '--permission', 'MANAGE']);
    await cli(['grant', '--gateway-endpoint', doomed, '--user', world.users.reader.username, '--permission', 'USE']);
    expect(await cli(['grants', '--gateway-endpoint', doomed])).to.include(world.users.reader.username);
    const deleted = await call('DELETE', `${G3}/endpoints/delete`, user, { body: { endpoint_id: doomed } });
    expect(deleted.status, JSON.stringify(deleted.body)).to.equal(200);
    const left = await cli(['grants', '--gateway-endpoint', doomed, '--json']);
    expect(left).to.not.include(world.users.reader.username);
    expect(left).to.not.include(user.username);
  });

  it('keeps secrets, model definitions and webhooks for administrators', async () => {
    const user = world.users.editor;
    for (const [method, path, body] of [
      ['GET', `${G3}/secrets/list`, undefined],
      ['POST', `${G3}/secrets/create`, { secret_name: 'x', secret_value: { api_key: 'k' }, provider: 'openai' }],
      ['GET', `${G3}/model-definitions/list`, undefined],
      ['POST', `${G3}/model-definitions/create`, { name: 'x', secret_id: 's-1', provider: 'openai', model_name: 'm' }],
      ['GET', '/api/2.0/mlflow/webhooks', undefined],
      ['POST', '/api/2.0/mlflow/webhooks', { name: 'w', url: 'https://example.com/hook', events: [] }],
      ['POST', '/api/3.0/mlflow/workspaces', { name: 'team' }],
    ] as const) {
      expectRefused(await call(method, path, user, body === undefined ? {} : { body }), 403, 'MLGATE_ADMIN_REQUIRED');
    }
    for (const path of [`${G3}/secrets/list`, `${G3}/model-definitions/list`, '/api/2.0/mlflow/webhooks']) {
      expect((await call('GET', path, world.users.admin)).status, path).to.equal(200);
    }
    // What MLflow lets any authenticated caller read.
    for (const path of [`${G3}/budgets/list`, '/ajax-api/3.0/mlflow/gateway/supported-providers']) {
      expect((await call('GET', path, user)).status, path).to.equal(200);
      expectRefused(await call('GET', path, null), 401, 'MLGATE_AUTH_REQUIRED');
    }
  });

  it('decides MCP servers by the grant on each server; its creator gets MANAGE; deleting it removes its grants', async () => {
    const M3 = '/api/3.0/mlflow/mcp-servers';
    const server = `com.example${suffix}/search`;
    const creator = world.users.editor;
    const created = await call('POST', M3, creator, { body: { name: server, description: 'search' } });
    expect(created.status, JSON.stringify(created.body)).to.equal(200);
    expect(await cli(['grants', '--mcp-server', server])).to.include(creator.username);
    expect((await call('GET', `${M3}/${server}`, creator)).status).to.equal(200);
    expectRefused(await call('GET', `${M3}/${server}`, world.users.outsider), 403, 'MLGATE_PERMISSION_DENIED');
    expectRefused(await call('GET', `${M3}/${server}/versions`, world.users.outsider), 403, 'MLGATE_PERMISSION_DENIED');
    await cli(['grant', '--mcp-server', server, '--user', world.users.reader.username, '--permission', 'READ']);
    expect((await call('GET', `${M3}/${server}`, world.users.reader)).status).to.equal(200);
    const tag = { key: 'team', value: 'a' };
    expectRefused(
      await call('POST', `${M3}/${server}/tags`, world.users.reader, { body: tag }),
      403,
      'MLGATE_PERMISSION_DENIED',
    );
    expect((await call('POST', `${M3}/${server}/tags`, creator, { body: tag })).status).to.equal(200);
    expectRefused(await call('DELETE', `${M3}/${server}`, world.users.reader), 403, 'MLGATE_PERMISSION_DENIED');
    // A missing server and a name MLflow could not have given are refused, not forwarded.
    expectRefused(await call('GET', `${M3}/com.example${suffix}/missing`, creator), 404, 'MLGATE_RESOURCE_NOT_FOUND');
    expectRefused(await call('GET', `${M3}/one-segment`, creator), 400, 'MLGATE_REQUEST_INVALID');
    // The searches across servers are not filtered yet.
    expectRefused(await call('GET', M3, creator), 403, 'MLGATE_ADMIN_REQUIRED');
    const deleted = await call('DELETE', `${M3}/${server}`, creator);
    expect(deleted.status, JSON.stringify(deleted.body)).to.equal(200);
    const left = await cli(['grants', '--mcp-server', server, '--json']);
    expect(left).to.not.include(creator.username);
    expect(left).to.not.include(world.users.reader.username);
  });

  it('limits who creates endpoints and MCP servers with permissions.gateway_endpoint_creators / mcp_server_creators', async () => {
    const limited = await startExtraGateway('gateway-creators', {
      MLGATE_PERMISSIONS_GATEWAY_ENDPOINT_CREATORS: 'platform',
      MLGATE_PERMISSIONS_MCP_SERVER_CREATORS: 'platform',
    });
    try {
      await cli(['user', 'create', `platform-${suffix}`, '--group', 'platform']);
      const member: Credentials = {
        username: `platform-${suffix}`,
        token: await cli(['token', 'create', `platform-${suffix}`]),
      };
      const outsider = world.users.editor;
      // Both may use the model definition: what refuses the outsider is the creator list alone.
      for (const user of [member, outsider]) {
        await cli([
          'grant',
          '--gateway-model-definition',
          modelDefinitionId,
          '--user',
          user.username,
          '--permission',
          'USE',
        ]);
      }
      const endpoint = (endpointName: string) => ({
        body: {
          name: endpointName,
          model_configs: [{ model_definition_id: modelDefinitionId, linkage_type: 'PRIMARY', weight: 1 }],
          usage_tracking: false,
        },
        baseUrl: limited.url,
      });
      const M3 = '/api/3.0/mlflow/mcp-servers';
      const server = (serverName: string) => ({ body: { name: serverName }, baseUrl: limited.url });

      const refusals = [
        [
          await call('POST', `${G3}/endpoints/create`, outsider, endpoint(`refused-${suffix}`)),
          'gateway_endpoint_creators',
        ],
        [await call('POST', M3, outsider, server(`com.refused${suffix}/tool`)), 'mcp_server_creators'],
      ] as const;
      for (const [answer, option] of refusals) {
        expectRefused(answer, 403, 'MLGATE_PERMISSION_DENIED');
        expect(answer.body['message']).to.include('creating this kind of resource is limited').and.include(option);
      }
      // Refused by mlgate, so MLflow never made them.
      const listed = (await call('GET', `${G3}/endpoints/list`, world.users.admin)).body['endpoints'] as
        { name: string }[] | undefined;
      expect((listed ?? []).map((e) => e.name))
        .to.include(name)
        .and.not.include(`refused-${suffix}`);
      expect(
        (await call('GET', `${M3}/com.refused${suffix}/tool`, world.users.admin, { baseUrl: limited.url })).status,
      ).to.equal(404);

      const created = await call('POST', `${G3}/endpoints/create`, member, endpoint(`platform-${suffix}`));
      expect(created.status, JSON.stringify(created.body)).to.equal(200);
      const id = (created.body['endpoint'] as { endpoint_id: string }).endpoint_id;
      expect(await cli(['grants', '--gateway-endpoint', id])).to.match(new RegExp(`${member.username}.*MANAGE`));
      const tool = `com.platform${suffix}/tool`;
      const made = await call('POST', M3, member, server(tool));
      expect(made.status, JSON.stringify(made.body)).to.equal(200);
      expect(await cli(['grants', '--mcp-server', tool])).to.match(new RegExp(`${member.username}.*MANAGE`));
      // The gateway without the options still lets any authenticated caller create.
      const open = await call('POST', M3, outsider, { body: { name: `com.open${suffix}/tool` } });
      expect(open.status, JSON.stringify(open.body)).to.equal(200);
    } finally {
      await limited.stop();
    }
  });

  it('refuses a workspace other than default', async () => {
    expectRefused(
      await call('POST', `/gateway/${name}/mlflow/invocations`, world.users.reader, {
        body: CHAT,
        headers: { 'x-mlflow-workspace': 'team' },
      }),
      400,
      'MLGATE_REQUEST_INVALID',
    );
  });

  it('keeps the assistant for administrators unless permissions.assistant_access opens it', async () => {
    const path = '/ajax-api/3.0/mlflow/assistant/config';
    expectRefused(await call('GET', path, world.users.editor), 403, 'MLGATE_ADMIN_REQUIRED');
    expectForwarded(await call('GET', path, world.users.admin));
    const open = await startExtraGateway('gateway-assistant-open', {
      MLGATE_PERMISSIONS_ASSISTANT_ACCESS: 'authenticated',
    });
    expectForwarded(await call('GET', path, world.users.editor, { baseUrl: open.url }));
    expectRefused(await call('GET', path, null, { baseUrl: open.url }), 401, 'MLGATE_AUTH_REQUIRED');
    await open.stop();
  });
});
