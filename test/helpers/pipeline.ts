/**
 * The whole gateway pipeline in process: the real app, policy bundle, route table and resolver, over the in-memory
 * store, a fake MLflow for look-ups and an upstream that records what would have been proxied. For table-driven
 * tests of routes (request → references → required permission); the end-to-end suites use the real MLflow.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

import Router from 'koa-router';

import { createApp } from '../../src/app.js';
import { createBasicAuthenticator } from '../../src/auth/basic-authenticator.js';
import { createCredentialVerifier } from '../../src/auth/credentials.js';
import { createTokenHasher, deriveTokenKey, generateToken } from '../../src/auth/tokens.js';
import type { Config, PermissionLevel } from '../../src/config/schema.js';
import { loadConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/logging.js';
import type { MlflowClient } from '../../src/mlflow/client.js';
import { createRouteTable } from '../../src/mlflow/match.js';
import { createExperimentNames } from '../../src/mlflow/names.js';
import { createPageTokens, derivePageTokenKey } from '../../src/mlflow/page-token.js';
import { createResolver } from '../../src/mlflow/resolve.js';
import { ROUTES } from '../../src/mlflow/routes.js';
import { defaultBundlePath } from '../../src/paths.js';
import { readBundle } from '../../src/policy/bundle.js';
import { runtimeData } from '../../src/policy/data.js';
import { type DecisionEngine, createDecisionEngine } from '../../src/policy/engine.js';
import type { ForwardOutcome, Upstream } from '../../src/proxy/upstream.js';
import { createCachedGrantSource } from '../../src/store/grant-cache.js';
import { registerGrantRoutes } from '../../src/http/api/grant-routes.js';
import { createListTokens, deriveListTokenKey } from '../../src/http/api/list-pages.js';
import { registerGroupRoutes } from '../../src/http/api/group-routes.js';
import type { PermissionApiDeps } from '../../src/http/api/permission-deps.js';
import { registerRuleRoutes } from '../../src/http/api/rule-routes.js';
import type { GatewayState } from '../../src/http/state.js';
import { createPatternChecker } from '../../src/policy/patterns.js';
import { ruleLimits } from '../../src/policy/rule-limits.js';
import { createMemoryStore } from '../../src/store/memory/store.js';
import type { Store } from '../../src/store/types.js';

/** What the fake MLflow knows: which experiment each run, logged model, name... belongs to. */
export interface FakeMlflow {
  readonly runs?: Record<string, string>;
  readonly loggedModels?: Record<string, string>;
  readonly experimentNames?: Record<string, string>;
  readonly traces?: Record<string, string>;
  /**
   * Evaluation datasets: the experiments each is linked to. SearchEvaluationDatasets answers them in this order
   * (rows `{dataset_id, name}`, the name being the id), limited to the requested experiment_ids, paged by
   * max_results with offset page tokens, as MLflow's store does.
   */
  readonly datasets?: Record<string, readonly string[]>;
  /** Filled with each SearchEvaluationDatasets request the gateway sent MLflow, in order. */
  readonly datasetSearches?: Record<string, unknown>[];
  /** GenAI objects (h/genai): MLflow's answer to a look-up path (MlflowClient.lookup); absent paths are 404. */
  readonly lookups?: Record<string, Record<string, unknown>>;
  /** Registered models (false) and prompts (true), by name (h/registry). */
  readonly registry?: Record<string, boolean>;
  /** The rows SearchModelVersions answers (one page); absent: not faked. */
  readonly modelVersions?: readonly Record<string, unknown>[];
  /** Filled with each name the gateway looked up in the registry (GetRegisteredModel), in order. */
  readonly registryLookups?: string[];
  // The AI gateway (h/gateway).
  /** AI gateway endpoints: name -> id. */
  readonly gatewayEndpoints?: Record<string, string>;
  /** AI gateway model definitions by id. */
  readonly gatewayModelDefinitions?: readonly string[];
  /** MCP servers by name. */
  readonly mcpServers?: readonly string[];
}

export interface Pipeline {
  readonly url: string;
  /** Basic credentials of a user created on demand. */
  user(name: string): Promise<string>;
  grant(experimentId: string, username: string, permission: PermissionLevel): Promise<boolean>;
  /** Requests that reached the upstream, as "METHOD path". */
  readonly forwarded: string[];
  /** The bodies the gateway replayed to the upstream, in the same order (undefined when streamed). */
  readonly forwardedBodies: (string | undefined)[];
  /** What the app was built from, for tests that decide the same requests another way (mlgate explain). */
  readonly store: Store;
  readonly engine: DecisionEngine;
  readonly client: MlflowClient;
  readonly config: Config;
  close(): Promise<void>;
}

export interface PipelineOptions {
  /** auth.admin_groups for the permissions API. */
  readonly adminGroups?: readonly string[];
  /** Counts the permissions API's changes (PermissionApiDeps.changed). */
  readonly onChange?: () => void;
  /** Runs while a request is being proxied, before its answer is sent. */
  readonly whileForwarding?: (engine: DecisionEngine) => Promise<void>;
}

export async function startPipeline(mlflow: FakeMlflow, options: PipelineOptions = {}): Promise<Pipeline> {
  const { config } = loadConfig({ env: { MLGATE_CACHE_TTL_MS: '0', MLGATE_SERVER_MODE: 'development' } });
  const store = createMemoryStore();
  const engine = createDecisionEngine();
  await engine.load(await readBundle(defaultBundlePath()), runtimeData(config));
  const client = fakeClient(mlflow);
  const forwarded: string[] = [];
  const forwardedBodies: (string | undefined)[] = [];
  const upstream: Upstream = {
    async forward(req, res, forwardOptions): Promise<ForwardOutcome> {
      forwarded.push(`${req.method ?? ''} ${req.url ?? ''}`);
      forwardedBodies.push(forwardOptions.body?.toString('utf8'));
      await options.whileForwarding?.(engine);
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
      return 'sent';
    },
    close: () => undefined,
  };
  const grantSource = createCachedGrantSource(store.grants, { ttlMs: 0, maxEntries: 10 });
  const resolver = createResolver({ client, maxEntries: 100, missingTtlMs: 0 });
  // The gateway's permissions API (/_mlgate/api/grants, rules, groups), as serve.ts registers it.
  const apiRoutes = new Router<GatewayState>({ prefix: '/_mlgate/api' });
  const permissionApi: PermissionApiDeps = {
    store,
    adminGroups: options.adminGroups ?? ['mlflow-admin'],
    patterns: await createPatternChecker(await readBundle(defaultBundlePath())),
    limits: ruleLimits(config),
    listTokens: createListTokens({ key: deriveListTokenKey('') }),
    changed: () => {
      options.onChange?.();
      return Promise.resolve();
    },
  };
  registerGrantRoutes(apiRoutes, {
    ...permissionApi,
    engine,
    resolver,
    grantSource,
    // Experiment names for regex rules, as serve.ts gives them (never cached here).
    names: createExperimentNames({ client, ttlMs: 0, maxEntries: 100, needed: () => true }),
    maxResources: config.server.max_resources_per_request,
  });
  registerRuleRoutes(apiRoutes, permissionApi);
  registerGroupRoutes(apiRoutes, permissionApi);
  const tokenHasher = createTokenHasher(deriveTokenKey(''));
  const app = createApp({
    logger: silentLogger,
    authenticators: [
      createBasicAuthenticator({
        verifier: createCredentialVerifier({
          tokens: store.tokens,
          users: store.users,
          hasher: tokenHasher,
          ttlMs: 0,
          maxEntries: 10,
        }),
        realm: 'test',
      }),
    ],
    trustedProxies: [],
    allowedOrigins: [],
    routes: createRouteTable(ROUTES),
    resolver,
    apiRoutes,
    grantSource,
    grants: store.grants,
    engine,
    upstream,
    client,
    pingStore: () => Promise.resolve(),
    maxBodyBytes: config.server.max_json_body_bytes,
    maxResources: config.server.max_resources_per_request,
    searchMaxPages: 2,
    bodyIdleTimeoutMs: config.server.body_idle_timeout_ms,
    pageTokens: createPageTokens({ key: derivePageTokenKey('') }),
    maxArtifactUploadBytes: config.server.max_artifact_upload_bytes,
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded,
    forwardedBodies,
    store,
    engine,
    client,
    config,
    async user(name) {
      await store.users.create({ username: name, isAdmin: false, groups: [] });
      const token = generateToken(tokenHasher);
      await store.tokens.create({
        id: token.id,
        username: name,
        name: 't',
        hash: token.hash,
        createdAt: new Date(),
        expiresAt: null,
        lastUsedAt: null,
      });
      return 'Basic ' + Buffer.from(`${name}:${token.token}`).toString('base64');
    },
    grant: (experimentId, username, permission) =>
      store.grants.put({
        resourceType: 'experiment',
        resourceId: experimentId,
        principalType: 'user',
        principal: username,
        permission,
        createdBy: 'test',
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function fakeClient(mlflow: FakeMlflow): MlflowClient {
  const one = (table: Record<string, string> | undefined, id: string): Promise<string | null> =>
    Promise.resolve(table?.[id] ?? null);
  return {
    experimentIdByName: (name) => one(mlflow.experimentNames, name),
    experimentNameById: (id) =>
      Promise.resolve(Object.entries(mlflow.experimentNames ?? {}).find(([, value]) => value === id)?.[0] ?? null),
    runExperimentId: (id) => one(mlflow.runs, id),
    loggedModelExperimentId: (id) => one(mlflow.loggedModels, id),
    traceExperimentId: (id) => one(mlflow.traces, id),
    datasetExperimentIds: (id) => Promise.resolve(mlflow.datasets?.[id] ?? []),
    lookup: (path) => Promise.resolve(mlflow.lookups?.[path] ?? null),
    // The AI gateway (h/gateway).
    gatewayEndpointId: (by) => {
      const endpoints = Object.entries(mlflow.gatewayEndpoints ?? {});
      const found =
        'name' in by ? endpoints.find(([name]) => name === by.name) : endpoints.find(([, id]) => id === by.endpoint_id);
      return Promise.resolve(found?.[1] ?? null);
    },
    gatewayModelDefinitionId: (id) =>
      Promise.resolve(mlflow.gatewayModelDefinitions?.includes(id) === true ? id : null),
    mcpServerName: (name) => Promise.resolve(mlflow.mcpServers?.includes(name) === true ? name : null),
    searchEvaluationDatasets: (request) => {
      mlflow.datasetSearches?.push({ ...request });
      const wanted = Array.isArray(request['experiment_ids']) ? (request['experiment_ids'] as string[]) : [];
      const rows = Object.entries(mlflow.datasets ?? {})
        .filter(([, links]) => wanted.length === 0 || links.some((id) => wanted.includes(id)))
        .map(([id]) => ({ dataset_id: id, name: id }));
      const offset = Number(request['page_token'] ?? 0);
      const size = Number(request['max_results'] ?? 1000);
      const body = {
        ...(rows.length > offset ? { datasets: rows.slice(offset, offset + size) } : {}),
        ...(rows.length > offset + size ? { next_page_token: String(offset + size) } : {}),
      };
      return Promise.resolve({
        status: 200,
        body,
        raw: Buffer.from(JSON.stringify(body)),
        contentType: 'application/json',
      });
    },
    searchExperiments: () =>
      Promise.resolve({
        status: 200,
        body: { experiments: [] },
        raw: Buffer.from('{}'),
        contentType: 'application/json',
      }),
    // The model registry and prompts (h/registry).
    registeredModel: (name) => {
      mlflow.registryLookups?.push(name);
      const isPrompt = mlflow.registry?.[name];
      return Promise.resolve(isPrompt === undefined ? null : { name, isPrompt });
    },
    searchRegisteredModels: () => Promise.reject(new Error('not faked')),
    searchModelVersions: () => {
      if (mlflow.modelVersions === undefined) return Promise.reject(new Error('not faked'));
      const body = { model_versions: mlflow.modelVersions };
      return Promise.resolve({
        status: 200,
        body,
        raw: Buffer.from(JSON.stringify(body)),
        contentType: 'application/json',
      });
    },
  };
}
