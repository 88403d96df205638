/** The policy's runtime data document, built from the configuration (pure). */
import type { Config } from '../config/schema.js';

export interface RuntimeData {
  readonly config: {
    readonly default_permission: string;
    readonly admin_groups: readonly string[];
    /** Each ends in "/", so a root never matches a sibling with a longer name. */
    readonly artifact_roots: readonly string[];
    readonly unreadable_search_targets: 'drop' | 'refuse';
  };
}

export function runtimeData(config: Config): RuntimeData {
  return {
    config: {
      default_permission: config.permissions.default,
      admin_groups: config.auth.admin_groups,
      unreadable_search_targets: config.permissions.unreadable_search_targets,
      artifact_roots: config.artifacts.allowed_roots.map((root) => (root.endsWith('/') ? root : root + '/')),
    },
  };
}
