/** One forward handler per way of handling a route (route-spec.ts `handling`). */
import type { Handling } from '../../mlflow/route-spec.js';
import { createExperiment } from './create-experiment.js';
import { captureCreated } from './capture-created.js';
import { dropUnreadableTargets } from './drop-unreadable.js';
import { filterGatewayEndpoints } from './filter-gateway-endpoints.js';
import { graphql } from './graphql.js';
import { proxy } from './proxy.js';
import { searchExperiments } from './search-experiments.js';
import { sweepDeletedGrants } from './sweep-deleted.js';
import type { ForwardHandler } from './types.js';

export const HANDLERS: Readonly<Record<Handling, ForwardHandler>> = {
  stream: (deps, ctx) => proxy(deps, ctx),
  'filter-experiments': searchExperiments,
  'capture-created-experiment': createExperiment,
  'drop-unreadable-targets': dropUnreadableTargets,
  // Web UI and GraphQL (h/ui).
  graphql,
  // AI gateway (h/gateway): a deleted endpoint's grants are removed.
  'sweep-deleted-grants': sweepDeletedGrants,
  'filter-gateway-endpoints': filterGatewayEndpoints,
  'capture-created-mcp-server': captureCreated({
    type: 'mcp_server',
    idIn: (answer) => answer['name'],
    option: '--mcp-server',
  }),
  'capture-created-gateway-endpoint': captureCreated({
    type: 'gateway_endpoint',
    idIn: (answer) => {
      const endpoint = answer['endpoint'];
      return endpoint !== null && typeof endpoint === 'object'
        ? (endpoint as Record<string, unknown>)['endpoint_id']
        : undefined;
    },
    option: '--gateway-endpoint',
  }),
};
