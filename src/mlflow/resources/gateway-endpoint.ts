/**
 * AI gateway endpoints and model definitions (h/gateway). MLflow's auth keys an endpoint's grants by its generated id (`e-…`), and finds
 * the endpoint an invocation names by its name (`get_gateway_endpoint(name=…)`, then its id). An endpoint keeps
 * its id for ever; its name can be changed (UpdateGatewayEndpoint), so a name is looked up on every request.
 */
import { anyId, type ResourceKind } from './kind.js';

/** An endpoint named by its id (the management routes). */
export const gatewayEndpoint: ResourceKind = {
  name: 'gateway_endpoint',
  carrier: 'gateway_endpoint',
  describe: (ref) => `AI gateway endpoint ${ref}`,
  validate: anyId,
  resolve: async (value, client) => {
    const id = await client.gatewayEndpointId({ endpoint_id: value });
    return id === null ? null : [{ type: 'gateway_endpoint', id }];
  },
  foundTtlMs: Infinity,
  rememberMissing: true,
};

/** A model definition named by its id (h/gateway): an endpoint serving it needs USE on it, as in MLflow's auth. */
export const gatewayModelDefinition: ResourceKind = {
  name: 'gateway_model_definition',
  carrier: 'gateway_model_definition',
  describe: (ref) => `AI gateway model definition ${ref}`,
  validate: anyId,
  resolve: async (value, client) => {
    const id = await client.gatewayModelDefinitionId(value);
    return id === null ? null : [{ type: 'gateway_model_definition', id }];
  },
  foundTtlMs: Infinity,
  rememberMissing: true,
};

/** An endpoint named by its name (the invocation routes, GetGatewayEndpoint by name). */
export const gatewayEndpointName: ResourceKind = {
  name: 'gateway_endpoint_name',
  carrier: 'gateway_endpoint',
  describe: (ref) => `AI gateway endpoint "${ref}"`,
  validate: anyId,
  resolve: async (value, client) => {
    const id = await client.gatewayEndpointId({ name: value });
    return id === null ? null : [{ type: 'gateway_endpoint', id }];
  },
  foundTtlMs: 0,
  rememberMissing: false,
};
