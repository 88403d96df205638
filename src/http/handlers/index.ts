/** One forward handler per way of handling a route (route-spec.ts `handling`). */
import type { Handling } from '../../mlflow/route-spec.js';
import { createExperiment } from './create-experiment.js';
import { type CreatedResource, capturingCreation } from './capture-created.js';
import { dropUnreadableTargets } from './drop-unreadable.js';
import { filterGatewayEndpoints } from './filter-gateway-endpoints.js';
import { graphql } from './graphql.js';
import { proxy } from './proxy.js';
import { renameExperiment } from './rename-experiment.js';
import { searchEvaluationDatasets } from './search-datasets.js';
import { searchExperiments } from './search-experiments.js';
import { createRegistryEntry, moveRenamedRegistryEntry, sweepDeletedRegistryEntry } from './registry-entries.js';
import { searchModelVersions, searchRegisteredModels } from './search-registry.js';
import { sweepDeletedGrants } from './sweep-deleted.js';
import type { ForwardHandler } from './types.js';

export const HANDLERS: Readonly<Record<Handling, ForwardHandler>> = {
  stream: (deps, ctx) => proxy(deps, ctx),
  'filter-experiments': searchExperiments,
  'capture-created-experiment': createExperiment,
  'forget-experiment-name': renameExperiment,
  'drop-unreadable-targets': dropUnreadableTargets,
  'filter-evaluation-datasets': searchEvaluationDatasets,
  // Web UI and GraphQL (h/ui).
  graphql,
  // The model registry and prompts (h/registry).
  'capture-created-registry-entry': createRegistryEntry,
  'sweep-deleted-registry-entry': sweepDeletedRegistryEntry,
  'move-renamed-registry-entry': moveRenamedRegistryEntry,
  'filter-registered-models': searchRegisteredModels,
  'filter-model-versions': searchModelVersions,
  // AI gateway (h/gateway): a deleted endpoint's grants are removed.
  'sweep-deleted-grants': sweepDeletedGrants,
  'filter-gateway-endpoints': filterGatewayEndpoints,
  'capture-created-mcp-server': capturingCreation({
    noun: 'MCP server',
    created: (body) => createdIn(body, 'mcp_server', (answer) => answer['name']),
  }),
  'capture-created-gateway-endpoint': capturingCreation({
    noun: 'AI gateway endpoint',
    created: (body) =>
      createdIn(body, 'gateway_endpoint', (answer) => {
        const endpoint = answer['endpoint'];
        return isObject(endpoint) ? endpoint['endpoint_id'] : undefined;
      }),
  }),
};

/** What MLflow's answer says was created (h/gateway): the id at `idIn`, when it is a non-empty string. */
function createdIn(
  body: Buffer,
  type: CreatedResource['type'],
  idIn: (answer: Record<string, unknown>) => unknown,
): CreatedResource | undefined {
  let answer: unknown;
  try {
    answer = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  const id = isObject(answer) ? idIn(answer) : undefined;
  return typeof id === 'string' && id !== '' ? { type, id } : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
