/** One forward handler per way of handling a route (route-spec.ts `handling`). */
import type { Handling } from '../../mlflow/route-spec.js';
import { createExperiment } from './create-experiment.js';
import { dropUnreadableTargets } from './drop-unreadable.js';
import { graphql } from './graphql.js';
import { proxy } from './proxy.js';
import { renameExperiment } from './rename-experiment.js';
import { searchExperiments } from './search-experiments.js';
import { createRegistryEntry, moveRenamedRegistryEntry, sweepDeletedRegistryEntry } from './registry-entries.js';
import { searchModelVersions, searchRegisteredModels } from './search-registry.js';
import type { ForwardHandler } from './types.js';

export const HANDLERS: Readonly<Record<Handling, ForwardHandler>> = {
  stream: (deps, ctx) => proxy(deps, ctx),
  'filter-experiments': searchExperiments,
  'capture-created-experiment': createExperiment,
  'forget-experiment-name': renameExperiment,
  'drop-unreadable-targets': dropUnreadableTargets,
  // Web UI and GraphQL (h/ui).
  graphql,
  // The model registry and prompts (h/registry).
  'capture-created-registry-entry': createRegistryEntry,
  'sweep-deleted-registry-entry': sweepDeletedRegistryEntry,
  'move-renamed-registry-entry': moveRenamedRegistryEntry,
  'filter-registered-models': searchRegisteredModels,
  'filter-model-versions': searchModelVersions,
};
