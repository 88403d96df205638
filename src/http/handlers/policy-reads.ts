/**
 * Which forward handlers read the request's policy snapshot again after the authorize stage decided the request: a
 * filtered search or list decides its rows with it. Those hold the snapshot (and so its policy instance) until the
 * request ends; every other request lets it go as soon as it is decided, so a client that reads a proxied answer
 * slowly (a large runs search, a GraphQL answer) does not keep a policy instance from being reused by the data
 * changes made meanwhile (src/policy/instances.ts). A Record, so that a new handling must be placed here; a handler
 * placed here wrongly as false finds no snapshot and refuses the request (MLGATE_INTERNAL), never decides without it.
 */
import type { Handling } from '../../mlflow/route-spec.js';

export const READS_POLICY_AGAIN: Readonly<Record<Handling, boolean>> = {
  stream: false,
  'filter-experiments': true,
  'capture-created-experiment': false,
  'forget-experiment-name': false,
  // The decision's own checks say which experiments are left out: nothing is decided again.
  'drop-unreadable-targets': false,
  'filter-evaluation-datasets': true,
  // Fields to empty (redactions) and the narrowed document are decided in the authorize stage.
  graphql: false,
  'capture-created-registry-entry': false,
  'sweep-deleted-registry-entry': false,
  'move-renamed-registry-entry': false,
  'filter-registered-models': true,
  'filter-model-versions': true,
  'sweep-deleted-grants': false,
  'filter-gateway-endpoints': true,
  'capture-created-mcp-server': false,
  'capture-created-gateway-endpoint': false,
};
