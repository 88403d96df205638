/**
 * The gateway's own calls to MLflow: look-ups that resolve a request's
 * resources (run -> experiment, name -> id) and the pages of a filtered
 * search. MLflow is trusted and reached directly, without the client's
 * credentials.
 */
import http from 'node:http';
import https from 'node:https';

import { upstreamConnections } from '../proxy/upstream-connections.js';
import { MlgateError } from '../errors.js';
import { registryEntry } from './registry/prompt-tag.js';
import { requireWellFormed } from './well-formed.js';

export interface UpstreamAnswer {
  readonly status: number;
  readonly body: unknown;
  /** The raw bytes, to relay MLflow's own error answers unchanged. */
  readonly raw: Buffer;
  readonly contentType: string | undefined;
}

export interface MlflowClient {
  /** The id of the experiment with this name, or null when there is none. */
  experimentIdByName(name: string): Promise<string | null>;
  /** The name of an experiment, or null when there is none (for regex rules, src/mlflow/names.ts). */
  experimentNameById(id: string): Promise<string | null>;
  /** The experiment of a run, or null when the run does not exist. */
  runExperimentId(runId: string): Promise<string | null>;
  /** The experiment of a logged model, or null when it does not exist. */
  loggedModelExperimentId(modelId: string): Promise<string | null>;
  // Traces and evaluation datasets (h/tracking).
  /** The experiment a trace is in now, or null when it does not exist. */
  traceExperimentId(traceId: string): Promise<string | null>;
  /** The experiments an evaluation dataset is linked to now; empty when it has none or does not exist. */
  datasetExperimentIds(datasetId: string): Promise<readonly string[]>;
  // The AI gateway (h/gateway).
  /** The id of the AI gateway endpoint with this id or name, or null when there is none. */
  gatewayEndpointId(by: { readonly endpoint_id: string } | { readonly name: string }): Promise<string | null>;
  /** The id of the AI gateway model definition with this id, or null when there is none. */
  gatewayModelDefinitionId(id: string): Promise<string | null>;
  /** The name of the MCP server with this name (`namespace/slug`), or null when there is none. */
  mcpServerName(name: string): Promise<string | null>;
  /** One page of SearchExperiments; non-200 answers are returned, not thrown. */
  searchExperiments(request: Readonly<Record<string, unknown>>): Promise<UpstreamAnswer>;
  /** One page of SearchEvaluationDatasets (POST, JSON); non-200 answers are returned, not thrown. */
  searchEvaluationDatasets(request: Readonly<Record<string, unknown>>): Promise<UpstreamAnswer>;
  // GenAI objects (h/genai): scorers, review queues, label schemas, issues, jobs.
  /**
   * A GET look-up of one MLflow object by a path the caller builds (ids already encoded): the JSON object MLflow
   * answers with 200, or null when it answers 404 or 400 (no such object). Any other answer is refused
   * (MLGATE_UPSTREAM_INVALID_RESPONSE); the resource kinds pick the fields they need (resources/lookup.ts).
   */
  lookup(path: string): Promise<Readonly<Record<string, unknown>> | null>;
  // The model registry and prompts (h/registry).
  /** A registered model by name: its name as MLflow keeps it and whether it is a prompt; null when there is none. */
  registeredModel(name: string): Promise<RegistryEntry | null>;
  /** One page of SearchRegisteredModels (GET, query string); non-200 answers are returned, not thrown. */
  searchRegisteredModels(request: Readonly<Record<string, unknown>>): Promise<UpstreamAnswer>;
  /** One page of SearchModelVersions (GET, query string); non-200 answers are returned, not thrown. */
  searchModelVersions(request: Readonly<Record<string, unknown>>): Promise<UpstreamAnswer>;
}

/** A registered model or prompt as the registry keeps it (h/registry). */
export interface RegistryEntry {
  readonly name: string;
  readonly isPrompt: boolean;
}

export interface MlflowClientOptions {
  readonly baseUrl: string;
  /** Longest a call may take in total, from the start of the request to the last byte of the answer; also the idle timeout. */
  readonly timeoutMs: number;
  /** Largest answer read; a larger one is cut off and refused (MLGATE_UPSTREAM_INVALID_RESPONSE). */
  readonly maxResponseBytes: number;
  /** Keep connections to MLflow open between calls (upstream.keep_alive); by default, one per call. */
  readonly keepAlive?: boolean;
}

export function createMlflowClient(options: MlflowClientOptions): MlflowClient {
  const base = new URL(options.baseUrl);
  const transport = base.protocol === 'https:' ? https : http;
  const { agent, connection } = upstreamConnections({
    url: base,
    keepAlive: options.keepAlive ?? false,
    maxSockets: 64,
  });
  const basePath = base.pathname.replace(/\/+$/, '');

  const call = (method: 'GET' | 'POST', path: string, body?: unknown): Promise<UpstreamAnswer> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const started = Date.now();
      let settled = false;
      const settle = (): boolean => {
        if (settled) {
          return false;
        }
        settled = true;
        clearTimeout(deadline);
        return true;
      };
      const fail = (error: MlgateError): void => {
        if (settle()) {
          reject(error);
        }
        request.destroy();
      };
      const timedOut = (): MlgateError =>
        new MlgateError(
          'MLGATE_UPSTREAM_TIMEOUT',
          "The MLflow tracking server did not answer the gateway's look-up in time (upstream.lookup_timeout_ms). " +
            'Retry later; if it persists, an operator must check MLflow.',
          { details: { path: path.split('?')[0], elapsed_ms: Date.now() - started, timeout_ms: options.timeoutMs } },
        );
      const tooLarge = (): MlgateError =>
        new MlgateError(
          'MLGATE_UPSTREAM_INVALID_RESPONSE',
          'The MLflow tracking server sent a larger answer than the gateway reads for its own look-ups ' +
            '(upstream.lookup_max_response_bytes). If it persists, an operator must check MLflow or raise the limit.',
          { details: { path: path.split('?')[0], limit_bytes: options.maxResponseBytes } },
        );

      const request = transport.request(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port,
          method,
          path: basePath + path,
          agent,
          headers: {
            accept: 'application/json',
            connection,
            ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': payload.length }),
          },
          timeout: options.timeoutMs,
        },
        (response) => {
          const declared = Number(response.headers['content-length'] ?? NaN);
          if (Number.isFinite(declared) && declared > options.maxResponseBytes) {
            fail(tooLarge());
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > options.maxResponseBytes) {
              fail(tooLarge());
              return;
            }
            chunks.push(chunk);
          });
          response.on('error', (error) => fail(unavailable(error)));
          response.on('end', () => {
            if (!settle()) {
              return;
            }
            const raw = Buffer.concat(chunks);
            let parsed: unknown;
            try {
              parsed = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
            } catch {
              parsed = undefined;
            }
            resolve({
              status: response.statusCode ?? 0,
              body: parsed,
              raw,
              contentType: response.headers['content-type'],
            });
          });
        },
      );
      // The socket timeout only notices silence; this one also ends an answer that trickles in.
      const deadline = setTimeout(() => fail(timedOut()), options.timeoutMs);
      request.on('timeout', () => fail(timedOut()));
      request.on('error', (error) => fail(unavailable(error)));
      request.end(payload);
    });

  const lookup = async (path: string, pick: (body: Record<string, unknown>) => unknown): Promise<string | null> => {
    const answer = await call('GET', path);
    if (answer.status === 404 || answer.status === 400) {
      return null;
    }
    const id = answer.status === 200 && isObject(answer.body) ? pick(answer.body) : undefined;
    if (typeof id !== 'string' || id === '') {
      throw new MlgateError('MLGATE_UPSTREAM_INVALID_RESPONSE', undefined, {
        details: { path: path.split('?')[0], upstream_status: answer.status },
      });
    }
    return id;
  };

  return {
    async experimentIdByName(name) {
      requireWellFormed(name, 'experiment_name');
      return lookup(
        `/api/2.0/mlflow/experiments/get-by-name?${new URLSearchParams({ experiment_name: name }).toString()}`,
        (body) => field(body, 'experiment', 'experiment_id'),
      );
    },
    async experimentNameById(id) {
      requireWellFormed(id, 'experiment_id');
      return lookup(
        `/api/2.0/mlflow/experiments/get?${new URLSearchParams({ experiment_id: id }).toString()}`,
        (body) => field(body, 'experiment', 'name'),
      );
    },
    async runExperimentId(runId) {
      requireWellFormed(runId, 'run_id');
      return lookup(`/api/2.0/mlflow/runs/get?${new URLSearchParams({ run_id: runId }).toString()}`, (body) =>
        field(body, 'run', 'info', 'experiment_id'),
      );
    },
    async loggedModelExperimentId(modelId) {
      requireWellFormed(modelId, 'model_id');
      return lookup(`/api/2.0/mlflow/logged-models/${encodeURIComponent(modelId)}`, (body) =>
        field(body, 'model', 'info', 'experiment_id'),
      );
    },
    async traceExperimentId(traceId) {
      requireWellFormed(traceId, 'trace_id');
      return lookup(`/api/3.0/mlflow/traces/${encodeURIComponent(traceId)}`, (body) =>
        field(body, 'trace', 'trace_info', 'trace_location', 'mlflow_experiment', 'experiment_id'),
      );
    },
    async datasetExperimentIds(datasetId) {
      requireWellFormed(datasetId, 'dataset_id');
      const path = `/api/3.0/mlflow/datasets/${encodeURIComponent(datasetId)}/experiment-ids`;
      const answer = await call('GET', path);
      if (answer.status === 404 || answer.status === 400) {
        return [];
      }
      const ids = answer.status === 200 && isObject(answer.body) ? (answer.body['experiment_ids'] ?? []) : undefined;
      if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string' || id === '')) {
        throw new MlgateError('MLGATE_UPSTREAM_INVALID_RESPONSE', undefined, {
          details: { path: path.split('?')[0], upstream_status: answer.status },
        });
      }
      return ids as string[];
    },
    // The AI gateway (h/gateway): GetGatewayEndpoint finds an endpoint by id or by name, as MLflow's auth does.
    async gatewayEndpointId(by) {
      const [key, value] = 'name' in by ? ['name', by.name] : ['endpoint_id', by.endpoint_id];
      requireWellFormed(value, key);
      return lookup(
        `/api/3.0/mlflow/gateway/endpoints/get?${new URLSearchParams({ [key]: value }).toString()}`,
        (body) => field(body, 'endpoint', 'endpoint_id'),
      );
    },
    async gatewayModelDefinitionId(id) {
      requireWellFormed(id, 'model_definition_id');
      return lookup(
        `/api/3.0/mlflow/gateway/model-definitions/get?${new URLSearchParams({ model_definition_id: id }).toString()}`,
        (body) => field(body, 'model_definition', 'model_definition_id'),
      );
    },
    async mcpServerName(name) {
      requireWellFormed(name, 'name');
      const path = name.split('/').map(encodeURIComponent).join('/');
      return lookup(`/api/3.0/mlflow/mcp-servers/${path}`, (body) => field(body, 'name'));
    },
    searchExperiments: (request) => call('POST', '/api/2.0/mlflow/experiments/search', request),
    searchEvaluationDatasets: (request) => call('POST', '/api/3.0/mlflow/datasets/search', request),
    // GenAI objects (h/genai).
    async lookup(path) {
      const answer = await call('GET', path);
      if (answer.status === 404 || answer.status === 400) {
        return null;
      }
      if (answer.status !== 200 || !isObject(answer.body)) {
        throw new MlgateError('MLGATE_UPSTREAM_INVALID_RESPONSE', undefined, {
          details: { path: path.split('?')[0], upstream_status: answer.status },
        });
      }
      return answer.body;
    },
    // The model registry and prompts (h/registry).
    async registeredModel(name) {
      requireWellFormed(name, 'name');
      const path = `/api/2.0/mlflow/registered-models/get?${new URLSearchParams({ name }).toString()}`;
      const answer = await call('GET', path);
      if (answer.status === 404 || answer.status === 400) {
        return null;
      }
      const model = answer.status === 200 ? field(answer.body, 'registered_model') : undefined;
      const entry = isObject(model) ? registryEntry(model) : undefined;
      if (entry === undefined) {
        throw new MlgateError('MLGATE_UPSTREAM_INVALID_RESPONSE', undefined, {
          details: { path: path.split('?')[0], upstream_status: answer.status },
        });
      }
      return entry;
    },
    searchRegisteredModels: (request) =>
      call('GET', `/api/2.0/mlflow/registered-models/search?${queryString(request)}`),
    searchModelVersions: (request) => call('GET', `/api/2.0/mlflow/model-versions/search?${queryString(request)}`),
  };
}

/** Request fields as a query string, as MLflow reads a GET: a list as repeated keys. */
function queryString(request: Readonly<Record<string, unknown>>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(request)) {
    for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (typeof item === 'string' || typeof item === 'number') query.append(key, String(item));
    }
  }
  return query.toString();
}

function field(body: unknown, ...path: string[]): unknown {
  let node = body;
  for (const key of path) {
    if (!isObject(node)) {
      return undefined;
    }
    node = node[key];
  }
  return node;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function unavailable(cause: unknown): MlgateError {
  return new MlgateError('MLGATE_UPSTREAM_UNAVAILABLE', undefined, { cause });
}
