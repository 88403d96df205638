/** The policy's runtime data document, built from the configuration (pure). */
import type { Config } from '../config/schema.js';

export interface RuntimeData {
  readonly config: {
    readonly default_permission: string;
    readonly admin_groups: readonly string[];
  };
}

export function runtimeData(config: Config): RuntimeData {
  return {
    config: {
      default_permission: config.permissions.default,
      admin_groups: config.auth.admin_groups,
    },
  };
}
