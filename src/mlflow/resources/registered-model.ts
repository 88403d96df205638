/**
 * A registered model or a prompt, named by its name (h/registry). Both are registered models to MLflow; a prompt
 * carries the prompt tag (registry/prompt-tag.ts), and each has a permission type of its own, keyed by name as
 * MLflow's auth keys them. The name is looked up in MLflow to learn which it is: the carrier is
 * `{type: 'registered_model' | 'prompt', id: <the name as MLflow keeps it>}`, or null when there is none. Model
 * versions, aliases and version downloads name their registered model, and are decided by it.
 *
 * A name can be deleted and given to a new entry of the other type (or moved by a rename, or re-tagged) at any
 * moment, through any replica: a found relation is reused for a short while only, and a missing name is never
 * remembered (anyone may create it a moment later).
 */
import { registryType } from '../registry/prompt-tag.js';
import { anyId, type ResourceKind } from './kind.js';

/** How long the type of a found name is reused: long enough for one client call's burst of requests. */
export const REGISTRY_FOUND_TTL_MS = 2_000;

export const registeredModel: ResourceKind = {
  name: 'registered_model_name',
  carrier: 'registered_model',
  describe: (ref) => `registered model or prompt "${ref}"`,
  validate: anyId,
  resolve: async (value, client) => {
    const entry = await client.registeredModel(value);
    return entry === null ? null : [{ type: registryType(entry.isPrompt), id: entry.name }];
  },
  foundTtlMs: REGISTRY_FOUND_TTL_MS,
  rememberMissing: false,
};
