/** Options: Regex rules, the permission source order and live permission data (issue 8). */
import type { OptionSpec } from '../schema.js';

export const PERMISSION_DATA_OPTIONS: readonly OptionSpec[] = [
  // ---- Regex rules, source order and live permission data (issue 8, items 1 and 4): kept next to the other permissions options, so the example file has one permissions section ----
  {
    path: 'permissions.source_order',
    type: 'string-list',
    default: ['user', 'group', 'regex', 'group-regex'],
    aliases: ['PERMISSION_SOURCE_ORDER'],
    description:
      "The permission sources in the order they are asked: user (the user's grant), group (the highest grant of " +
      "their groups), regex (the user's regex rules), group-regex (their groups' regex rules). The first that " +
      'answers decides; when none does, permissions.default. A source left out is never asked.',
  },
  {
    path: 'permissions.experiment_creators',
    type: 'string-list',
    default: [],
    description:
      'Groups whose members may create experiments. Empty: every authenticated user may. Administrators always ' +
      'may. Anyone else gets 403 MLGATE_PERMISSION_DENIED (reason creation-restricted).',
  },
  // ---- The model registry and prompts (h/registry): who may create them ----
  {
    path: 'permissions.registered_model_creators',
    type: 'string-list',
    default: [],
    description:
      'Groups whose members may create registered models (CreateRegisteredModel without the prompt tag). Empty: ' +
      'every authenticated user may. Administrators always may. Anyone else gets 403 MLGATE_PERMISSION_DENIED ' +
      '(reason creation-restricted).',
  },
  {
    path: 'permissions.prompt_creators',
    type: 'string-list',
    default: [],
    description:
      'Groups whose members may create prompts (CreateRegisteredModel with the tag mlflow.prompt.is_prompt=true, ' +
      'as mlflow.genai.register_prompt sends it). Empty: every authenticated user may. Administrators always may. ' +
      'Anyone else gets 403 MLGATE_PERMISSION_DENIED (reason creation-restricted).',
  },
  // ---- The AI gateway and MCP servers (issue 8, leftover 4): who may create them ----
  {
    path: 'permissions.gateway_endpoint_creators',
    type: 'string-list',
    default: [],
    description:
      'Groups whose members may create AI gateway endpoints (CreateGatewayEndpoint). Empty: every authenticated ' +
      'user may (with USE on each model definition the endpoint serves). Administrators always may. Anyone else ' +
      'gets 403 MLGATE_PERMISSION_DENIED (reason creation-restricted).',
  },
  {
    path: 'permissions.mcp_server_creators',
    type: 'string-list',
    default: [],
    description:
      'Groups whose members may create MCP servers (CreateMcpServer). Empty: every authenticated user may. ' +
      'Administrators always may. Anyone else gets 403 MLGATE_PERMISSION_DENIED (reason creation-restricted).',
  },
  {
    path: 'permissions.refresh_interval_ms',
    type: 'integer',
    default: 500,
    min: 50,
    max: 60_000,
    description:
      'How often each replica checks whether permission data (grants, regex rules) changed in MongoDB. A change ' +
      'made on any replica takes effect everywhere within about this long plus the time to load it.',
  },
  {
    path: 'permissions.max_stale_ms',
    type: 'integer',
    default: 60_000,
    min: 1_000,
    max: 86_400_000,
    description:
      'How long a replica keeps deciding from the last permission data it loaded while MongoDB cannot be read; ' +
      'after that it refuses requests (503 MLGATE_PERMISSIONS_STALE) and reports not ready until MongoDB answers.',
  },
  {
    path: 'permissions.max_rules_per_principal',
    type: 'integer',
    default: 50,
    min: 1,
    max: 10_000,
    description:
      'Most regex rules one user or group may have on one resource type. Each decision matches all the rules of ' +
      'the caller and their groups, so this bounds its cost. Refused when written; a principal over it (rules ' +
      'written to MongoDB by hand) is denied every resource of the type until the excess is removed.',
  },
  {
    path: 'permissions.max_rule_chars_per_principal',
    type: 'integer',
    default: 4096,
    min: 1,
    max: 1_000_000,
    description:
      "Most characters of one user's or group's regex rule patterns on one resource type, together (a decision " +
      'costs about 1 µs per character of the rules it matches). Enforced like permissions.max_rules_per_principal.',
  },
  {
    path: 'permissions.name_cache_ttl_ms',
    type: 'integer',
    default: 30_000,
    min: 0,
    max: 86_400_000,
    description:
      "How long an experiment's name, which regex rules match, is remembered once looked up in MLflow (names are " +
      'only looked up while regex rules exist). A renamed experiment is matched by its new name after at most this.',
  },
  {
    path: 'artifacts.allowed_roots',
    type: 'string-list',
    default: [],
    description:
      'Locations under which a non-administrator may place the artifacts of an experiment they create ' +
      '(artifact_location), e.g. s3://ml-bucket/teams/. Empty: non-administrators must leave artifact_location ' +
      'unset and MLflow chooses. Administrators are not limited.',
  },
  {
    path: 'cache.ttl_ms',
    type: 'integer',
    default: 5_000,
    min: 0,
    max: 3_600_000,
    description:
      'How long a replica may reuse credentials and grants read from MongoDB. This bounds how long a ' +
      'revoked token or grant stays effective on other replicas. 0 disables the cache.',
  },
  {
    path: 'cache.max_entries',
    type: 'integer',
    default: 50_000,
    min: 1,
    max: 10_000_000,
    description: 'Most credential and grant entries kept in the cache.',
  },
  {
    path: 'cache.run_max_entries',
    type: 'integer',
    default: 200_000,
    min: 1,
    max: 100_000_000,
    description: 'Most run -> experiment and logged model -> experiment relations kept (they never change).',
  },
  {
    path: 'cache.missing_ttl_ms',
    type: 'integer',
    default: 2_000,
    min: 0,
    max: 60_000,
    description:
      'How long a replica remembers that a run or logged model does not exist, so requests naming many missing ' +
      'ids cannot flood MLflow with look-ups. 0 disables it.',
  },
  {
    path: 'session.secret_key',
    type: 'string',
    default: '',
    aliases: ['SECRET_KEY'],
    secret: true,
    minLength: 32,
    description:
      'Secret that signs browser session cookies (once OIDC login is enabled) and encrypts the page tokens of filtered ' +
      'searches; at least 32 characters, the same on every replica. Empty: a random key per process (tokens ' +
      'do not survive a restart or move between replicas), with a warning.',
  },
];
