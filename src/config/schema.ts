/**
 * The configuration's shape (Config) and the one table of every option (OPTIONS), assembled from one file per area
 * under options/: its key path, type, default, the environment variables that set it and what it means. This table
 * is the single source for validation, environment overrides and the documented example file (config/mlgate.yaml
 * and docs/configuration.md are checked against it by a test).
 */
import { CORE_OPTIONS } from './options/core.js';
import { PERMISSION_DATA_OPTIONS } from './options/permission-data.js';
import { SESSIONS_OPTIONS } from './options/sessions.js';
import { OIDC_OPTIONS } from './options/oidc.js';
import { BEARER_PROXY_OPTIONS } from './options/bearer-proxy.js';
import { TOKENS_THROTTLE_OPTIONS } from './options/tokens-throttle.js';
import { POLICY_BUNDLES_OPTIONS } from './options/policy-bundles.js';

export const PERMISSION_LEVELS = ['NO_PERMISSIONS', 'READ', 'USE', 'EDIT', 'MANAGE'] as const;
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];

export interface Config {
  readonly server: {
    readonly mode: 'production' | 'development';
    readonly host: string;
    readonly port: number;
    readonly max_json_body_bytes: number;
    readonly max_artifact_upload_bytes: number;
    readonly max_resources_per_request: number;
    readonly headers_timeout_ms: number;
    readonly body_idle_timeout_ms: number;
    readonly shutdown_timeout_ms: number;
    readonly request_timeout_ms: number;
    readonly keep_alive_timeout_ms: number;
    readonly trusted_proxies: readonly string[];
  };
  readonly upstream: {
    readonly url: string;
    readonly timeout_ms: number;
    readonly keep_alive: boolean;
    readonly lookup_timeout_ms: number;
    readonly search_max_pages: number;
    readonly lookup_max_response_bytes: number;
  };
  readonly mongodb: {
    readonly uri: string;
    readonly database: string;
    readonly timeout_ms: number;
  };
  readonly policy: {
    readonly bundle: string;
    readonly max_bundle_bytes: number;
    // Policy bundles for GitOps (issue 8, item 5).
    readonly bundle_url: string;
    readonly watch: boolean;
    readonly poll_interval_ms: number;
    readonly poll_timeout_ms: number;
    readonly signing_key: string;
    readonly signing_scope: string;
    readonly require_signature: boolean;
  };
  readonly auth: {
    readonly admin_groups: readonly string[];
    readonly realm: string;
  };
  readonly permissions: {
    readonly default: PermissionLevel;
    readonly unreadable_search_targets: 'drop' | 'refuse';
    // Regex rules, the source order and live permission data (issue 8, items 1 and 4).
    readonly source_order: readonly string[];
    readonly experiment_creators: readonly string[];
    // The model registry and prompts (h/registry).
    readonly registered_model_creators: readonly string[];
    readonly prompt_creators: readonly string[];
    // The AI gateway and MCP servers (issue 8, leftover 4).
    readonly gateway_endpoint_creators: readonly string[];
    readonly mcp_server_creators: readonly string[];
    readonly refresh_interval_ms: number;
    readonly max_stale_ms: number;
    readonly name_cache_ttl_ms: number;
    readonly max_rules_per_principal: number;
    readonly max_rule_chars_per_principal: number;
    // The MLflow assistant (h/gateway).
    readonly assistant_access: 'admin' | 'authenticated';
  };
  readonly artifacts: {
    readonly allowed_roots: readonly string[];
  };
  readonly cache: {
    readonly ttl_ms: number;
    readonly max_entries: number;
    readonly run_max_entries: number;
    readonly missing_ttl_ms: number;
  };
  readonly session: {
    readonly secret_key: string;
    readonly cookie_name: string;
    readonly max_age_ms: number;
    readonly idle_timeout_ms: number;
    readonly cookie_secure: 'auto' | 'always' | 'never';
    readonly allowed_origins: readonly string[];
  };
  readonly logging: {
    readonly level: 'debug' | 'info' | 'warn' | 'error';
    readonly format: 'json' | 'text';
  };
  readonly oidc: {
    readonly discovery_url: string;
    readonly client_id: string;
    readonly client_secret: string;
    readonly redirect_uri: string;
    readonly scope: string;
    readonly display_name: string;
    readonly username_claims: readonly string[];
    readonly groups_attribute: string;
    readonly userinfo_groups: boolean;
    readonly allowed_groups: readonly string[];
    readonly providers_file: string;
    readonly login_timeout_ms: number;
    readonly http_timeout_ms: number;
  };
  // JWT bearer and trusted proxy headers (issue 7, items 4 and 6).
  readonly jwt: {
    readonly enabled: boolean;
    readonly discovery_url: string;
    readonly issuer: string;
    readonly jwks_uri: string;
    readonly audience: readonly string[];
    readonly algorithms: readonly string[];
    readonly provision_users: boolean;
    readonly trust_group_claims: boolean;
    readonly clock_tolerance_s: number;
    readonly jwks_cache_max_age_s: number;
    readonly jwks_cooldown_s: number;
    readonly http_timeout_ms: number;
  };
  readonly proxy_auth: {
    readonly enabled: boolean;
    readonly trusted_proxies: readonly string[];
    readonly user_headers: readonly string[];
    readonly groups_header: string;
    readonly provision_users: boolean;
  };
  // Access tokens and failed-credential throttling (issue 7, items 5 and 7).
  readonly tokens: {
    readonly default_lifetime_days: number;
    readonly max_lifetime_days: number;
    readonly allow_no_expiry: boolean;
    readonly replace_on_create: boolean;
    readonly max_per_user: number;
    readonly create_with_token: boolean;
  };
  readonly throttle: {
    readonly enabled: boolean;
    readonly window_ms: number;
    readonly free_failures: number;
    readonly delay_ms: number;
    readonly max_delay_ms: number;
    readonly address_max_failures: number;
    readonly username_max_failures: number;
  };
}

interface BaseOption {
  /** Dotted key path in the YAML file, e.g. "server.port". */
  readonly path: string;
  readonly description: string;
  /** Environment variables accepted besides MLGATE_<PATH>, e.g. mlflow-oidc-auth names. */
  readonly aliases?: readonly string[];
  /** Never print the value (secrets). */
  readonly secret?: boolean;
}

export type OptionSpec =
  | (BaseOption & {
      readonly type: 'string';
      readonly default: string;
      /** The value may not be empty. */
      readonly required?: boolean;
      /** Shortest accepted non-empty value. */
      readonly minLength?: number;
    })
  | (BaseOption & { readonly type: 'url'; readonly default: string; readonly protocols: readonly string[] })
  | (BaseOption & { readonly type: 'integer'; readonly default: number; readonly min: number; readonly max: number })
  | (BaseOption & { readonly type: 'enum'; readonly default: string; readonly values: readonly string[] })
  | (BaseOption & { readonly type: 'string-list'; readonly default: readonly string[] })
  | (BaseOption & { readonly type: 'boolean'; readonly default: boolean });

export const OPTIONS: readonly OptionSpec[] = [
  ...CORE_OPTIONS,
  ...PERMISSION_DATA_OPTIONS,
  ...SESSIONS_OPTIONS,
  ...OIDC_OPTIONS,
  ...BEARER_PROXY_OPTIONS,
  ...TOKENS_THROTTLE_OPTIONS,
  ...POLICY_BUNDLES_OPTIONS,
];

/** The environment variable that always sets an option: MLGATE_ + path in upper case, dots as underscores. */
export function envNameOf(path: string): string {
  return 'MLGATE_' + path.toUpperCase().replaceAll('.', '_');
}
