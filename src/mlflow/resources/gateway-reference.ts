/**
 * An AI gateway secret or endpoint that a GenAI job would use with the server's stored credentials (h/genai): the
 * `secret_id` and `endpoint_name` of issue detection, the `gateway:/<endpoint>` reflection model of a prompt
 * optimization. MLflow's auth requires a grant on them (USE on the secret, not-denied on the endpoint); the
 * gateway's secrets and endpoints have no permission type here yet, so such a reference resolves to nothing that
 * carries a permission: the request is refused to everyone but administrators ("resource-not-found"), never
 * allowed unchecked. When the AI gateway family gives them a type, these resolve to it.
 */
import { reflectionEndpoint } from '../reflection-model.js';
import { anyId, type ResourceKind } from './kind.js';

const NOT_CATALOGUED =
  ' (an AI gateway resource: only administrators may use one here until AI gateway permissions exist)';

export const gatewayReference: ResourceKind = {
  name: 'gateway_reference',
  carrier: 'experiment',
  describe: (ref) => `AI gateway secret or endpoint "${ref}"${NOT_CATALOGUED}`,
  validate: anyId,
  resolve: () => Promise.resolve(null),
  foundTtlMs: 0,
  rememberMissing: false,
};

/** The reflection model of an optimizer configuration: the endpoint it names, if any (else nothing to check). */
export const reflectionModel: ResourceKind = {
  name: 'reflection_model',
  carrier: 'experiment',
  describe: (ref) => `the AI gateway endpoint of reflection model "${ref}"${NOT_CATALOGUED}`,
  validate: anyId,
  expand: (value) => {
    const endpoint = reflectionEndpoint(value);
    return endpoint === null ? [] : [{ kind: 'gateway_reference', value: endpoint }];
  },
  resolve: () => Promise.reject(new Error('reflection_model values are expanded, never resolved')),
  foundTtlMs: 0,
  rememberMissing: false,
};
