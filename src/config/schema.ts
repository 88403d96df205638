/**
 * Every configuration option of mlgate: its key path, type, default, the
 * environment variables that set it and what it means. This table is the
 * single source for validation, environment overrides and the documented
 * example file (config/mlgate.yaml is checked against it by a test).
 */
import { DEFAULT_JWT_ALGORITHMS } from '../auth/bearer/algorithms.js';

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
    readonly request_timeout_ms: number;
    readonly keep_alive_timeout_ms: number;
    readonly trusted_proxies: readonly string[];
  };
  readonly upstream: {
    readonly url: string;
    readonly timeout_ms: number;
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
    readonly refresh_interval_ms: number;
    readonly max_stale_ms: number;
    readonly name_cache_ttl_ms: number;
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
  {
    path: 'server.mode',
    type: 'enum',
    default: 'production',
    values: ['production', 'development'],
    description:
      'production refuses to start without the settings a shared deployment needs (session.secret_key); ' +
      'development starts anyway, with loud warnings (a random session key per process, a fixed development key ' +
      'for access tokens).',
  },
  {
    path: 'server.host',
    type: 'string',
    default: '127.0.0.1',
    required: true,
    description: 'Address the gateway listens on. Use 0.0.0.0 to accept connections from other hosts.',
  },
  {
    path: 'server.port',
    type: 'integer',
    default: 8080,
    min: 0,
    max: 65535,
    description: 'TCP port the gateway listens on (0 picks a free port).',
  },
  {
    path: 'server.max_json_body_bytes',
    type: 'integer',
    default: 16 * 1024 * 1024,
    min: 1024,
    max: 1024 * 1024 * 1024,
    description:
      'Largest request body a non-administrator may send (larger ones are refused with 413). MLflow API bodies ' +
      'are JSON; the gateway reads them to find resource ids and replays them to MLflow. Artifact uploads are ' +
      'streamed and limited by server.max_artifact_upload_bytes instead; administrators are not limited.',
  },
  {
    path: 'server.max_artifact_upload_bytes',
    type: 'integer',
    default: 10 * 1024 * 1024 * 1024,
    min: 1024,
    max: 1024 * 1024 * 1024 * 1024,
    description:
      'Largest artifact upload (streamed to MLflow, never buffered); a larger one is cut and refused with 413.',
  },
  {
    path: 'server.max_resources_per_request',
    type: 'integer',
    default: 1000,
    min: 1,
    max: 100_000,
    description:
      'Most distinct resources (runs, experiments, logged models) one request may name; each may need a look-up ' +
      'in MLflow before the decision, so more are refused with 400. MLflow itself accepts at most 1000 metrics ' +
      'per batch.',
  },
  {
    path: 'server.headers_timeout_ms',
    type: 'integer',
    default: 30_000,
    min: 1_000,
    max: 600_000,
    description: 'How long a client may take to send the request line and headers before its connection is closed.',
  },
  {
    path: 'server.body_idle_timeout_ms',
    type: 'integer',
    default: 30_000,
    min: 1_000,
    max: 3_600_000,
    description:
      'How long a request body may stall (no bytes received) before the connection is cut. Protects the gateway ' +
      'and MLflow from clients that announce a body and never send it.',
  },
  {
    path: 'server.request_timeout_ms',
    type: 'integer',
    default: 3_600_000,
    min: 0,
    max: 86_400_000,
    description:
      'Longest time a client may take to send a whole request, body included (0: no limit). Large artifact ' +
      'uploads over slow links need a generous value.',
  },
  {
    path: 'server.keep_alive_timeout_ms',
    type: 'integer',
    default: 65_000,
    min: 1_000,
    max: 3_600_000,
    description:
      'How long an idle keep-alive connection stays open. Keep it above the idle timeout of any load balancer ' +
      'in front of mlgate.',
  },
  {
    path: 'server.trusted_proxies',
    type: 'string-list',
    default: [],
    description:
      'Addresses or CIDR ranges of reverse proxies in front of the gateway (e.g. 10.0.0.0/8, loopback) whose ' +
      'X-Forwarded-Proto is believed (for the Secure cookie flag), and X-Forwarded-For (the client address that ' +
      'failed-credential throttling counts). Nobody else is believed.',
  },
  {
    path: 'upstream.url',
    type: 'url',
    default: 'http://127.0.0.1:5000',
    protocols: ['http:', 'https:'],
    description: 'Base URL of the MLflow tracking server. It must not be reachable by users except through mlgate.',
  },
  {
    path: 'upstream.timeout_ms',
    type: 'integer',
    default: 300_000,
    min: 100,
    max: 86_400_000,
    description: 'How long a proxied request may wait for MLflow to answer before the client gets 504.',
  },
  {
    path: 'upstream.lookup_timeout_ms',
    type: 'integer',
    default: 10_000,
    min: 100,
    max: 600_000,
    description:
      "Longest one of the gateway's own MLflow calls (run -> experiment, name -> id, a search page) may take, from sending it to the last byte of the answer, however slowly the bytes come.",
  },
  {
    path: 'upstream.search_max_pages',
    type: 'integer',
    default: 20,
    min: 1,
    max: 1000,
    description:
      'Most MLflow pages one filtered search may read to fill a page of results; the client then gets a ' +
      'shorter page and a next_page_token to continue.',
  },
  {
    path: 'upstream.lookup_max_response_bytes',
    type: 'integer',
    default: 64 * 1024 * 1024,
    min: 64 * 1024,
    max: 1024 * 1024 * 1024,
    description:
      'Largest MLflow answer the gateway reads for its own look-ups and search pages; a larger one is refused ' +
      'with 502.',
  },
  {
    path: 'mongodb.uri',
    type: 'url',
    default: 'mongodb://127.0.0.1:27017',
    protocols: ['mongodb:', 'mongodb+srv:'],
    aliases: ['MONGODB_URI'],
    secret: true,
    description: 'MongoDB connection string (users, groups, grants, access tokens).',
  },
  {
    path: 'mongodb.database',
    type: 'string',
    default: 'mlgate',
    required: true,
    description: 'MongoDB database name.',
  },
  {
    path: 'mongodb.timeout_ms',
    type: 'integer',
    default: 5_000,
    min: 100,
    max: 120_000,
    description: 'How long to wait for MongoDB before a request is refused with 503.',
  },
  {
    path: 'policy.bundle',
    type: 'string',
    default: '',
    description:
      'OPA bundle to enforce: a bundle.tar.gz built with "opa build -t wasm", or a directory holding ' +
      'policy.wasm (and optionally data.json and .manifest). Empty means the bundle shipped with mlgate.',
  },
  {
    path: 'policy.max_bundle_bytes',
    type: 'integer',
    default: 64 * 1024 * 1024,
    min: 64 * 1024,
    max: 1024 * 1024 * 1024,
    description: 'Largest policy bundle accepted, unpacked; a larger one is refused and the last good policy kept.',
  },
  {
    path: 'auth.admin_groups',
    type: 'string-list',
    default: ['mlflow-admin'],
    aliases: ['OIDC_ADMIN_GROUP_NAME'],
    description: 'Members of these groups are administrators (comma-separated in environment variables).',
  },
  {
    path: 'auth.realm',
    type: 'string',
    default: 'mlgate',
    required: true,
    description: 'Realm named in the WWW-Authenticate challenge of 401 responses.',
  },
  {
    path: 'permissions.default',
    type: 'enum',
    default: 'NO_PERMISSIONS',
    values: ['NO_PERMISSIONS', 'READ', 'USE', 'EDIT', 'MANAGE'],
    aliases: ['DEFAULT_MLFLOW_PERMISSION'],
    description: 'Permission of an authenticated user on a resource when no user or group grant applies.',
  },
  {
    path: 'permissions.unreadable_search_targets',
    type: 'enum',
    default: 'drop',
    values: ['drop', 'refuse'],
    description:
      'What a search over several experiments (SearchRuns) does with the ones the caller may not read: drop ' +
      "leaves them out, as MLflow's own auth does; refuse answers 403 for the whole search.",
  },
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
  // Browser sessions (issue 7).
  {
    path: 'session.cookie_name',
    type: 'string',
    default: 'mlgate_session',
    required: true,
    aliases: ['SESSION_COOKIE_NAME'],
    description: 'Name of the session cookie (it holds only a signed random id; the session lives in MongoDB).',
  },
  {
    path: 'session.max_age_ms',
    type: 'integer',
    default: 7 * 24 * 3_600_000,
    min: 60_000,
    max: 90 * 24 * 3_600_000,
    description: 'Absolute lifetime of a browser session from sign-in; the user signs in again afterwards.',
  },
  {
    path: 'session.idle_timeout_ms',
    type: 'integer',
    default: 24 * 3_600_000,
    min: 60_000,
    max: 90 * 24 * 3_600_000,
    description:
      'A browser session without a request for this long ends. Activity is recorded at most once a minute, so ' +
      'the limit is exact to a minute.',
  },
  {
    path: 'session.cookie_secure',
    type: 'enum',
    default: 'auto',
    values: ['auto', 'always', 'never'],
    description:
      'Secure flag of the session cookie. auto: set when the request came over TLS (directly, or through a proxy ' +
      'in server.trusted_proxies that sends X-Forwarded-Proto: https); always; never (plain-HTTP trials only).',
  },
  {
    path: 'session.allowed_origins',
    type: 'string-list',
    default: [],
    description:
      "Origins besides the gateway's own (scheme://host[:port] of the request) from which a state-changing request " +
      'with a session cookie is accepted, e.g. https://mlflow.example.com when a proxy in front rewrites Host.',
  },
  {
    path: 'logging.level',
    type: 'enum',
    default: 'info',
    values: ['debug', 'info', 'warn', 'error'],
    aliases: ['LOG_LEVEL'],
    description: 'Lowest level written to the log.',
  },
  {
    path: 'logging.format',
    type: 'enum',
    default: 'json',
    values: ['json', 'text'],
    description: 'json: one JSON object per line; text: human-readable lines.',
  },

  // ---- Browser single sign-on through OIDC (issue 7: OIDC login, users and groups from the provider) ----
  {
    path: 'oidc.discovery_url',
    type: 'string',
    default: '',
    aliases: ['OIDC_DISCOVERY_URL'],
    description:
      "The provider's OpenID Connect discovery document (https://.../.well-known/openid-configuration). Empty: no " +
      'browser login from this setting (providers may still come from oidc.providers_file; with neither, only ' +
      'the other kinds of credentials work). Plain http is accepted only for a provider on this host (loopback).',
  },
  {
    path: 'oidc.client_id',
    type: 'string',
    default: '',
    aliases: ['OIDC_CLIENT_ID'],
    description: 'Client id of mlgate at the provider (required with oidc.discovery_url).',
  },
  {
    path: 'oidc.client_secret',
    type: 'string',
    default: '',
    aliases: ['OIDC_CLIENT_SECRET'],
    secret: true,
    description: 'Client secret of mlgate at the provider. Empty: a public client (PKCE only).',
  },
  {
    path: 'oidc.redirect_uri',
    type: 'string',
    default: '/callback',
    aliases: ['OIDC_REDIRECT_URI'],
    description:
      'Where the provider sends the browser back after login, registered at the provider: a path on the gateway ' +
      '(the URL is then built from the address the browser used) or an absolute URL, whose path is served. One ' +
      'callback serves every provider. Register <gateway>/_mlgate/signed-out as a post-logout redirect URI too.',
  },
  {
    path: 'oidc.scope',
    type: 'string',
    default: 'openid email profile',
    aliases: ['OIDC_SCOPE'],
    description: 'Scopes asked for at login, separated by spaces or commas; must include openid.',
  },
  {
    path: 'oidc.display_name',
    type: 'string',
    default: 'Login with OIDC',
    aliases: ['OIDC_PROVIDER_DISPLAY_NAME'],
    description: 'Name of the provider on the login page.',
  },
  {
    path: 'oidc.username_claims',
    type: 'string-list',
    default: ['email', 'preferred_username'],
    aliases: ['OIDC_USERNAME_FIELD'],
    description:
      'Claims that name the user, tried in order; the first present is the username (trimmed, lower-cased). An ' +
      'e-mail address the provider marks email_verified: false is refused.',
  },
  {
    path: 'oidc.groups_attribute',
    type: 'string',
    default: 'groups',
    aliases: ['OIDC_GROUPS_ATTRIBUTE'],
    description:
      'Claim that holds the groups: a claim name (colons allowed, e.g. urn:mlflow:groups) or a dotted path into ' +
      'nested claims (e.g. realm_access.roles); a claim of exactly that name wins over the path. A bare string ' +
      'counts as one group.',
  },
  {
    path: 'oidc.userinfo_groups',
    type: 'boolean',
    default: false,
    aliases: ['OIDC_USERINFO_GROUPS'],
    description:
      "Also read the groups from the provider's userinfo endpoint (for providers that leave them out of the ID token).",
  },
  {
    path: 'oidc.allowed_groups',
    type: 'string-list',
    default: ['mlflow'],
    aliases: ['OIDC_GROUP_NAME'],
    description:
      'Only members of these groups (or of auth.admin_groups, or administrators) may log in through a provider; ' +
      'others get a page saying which groups they need. Empty: every user the provider authenticates.',
  },
  {
    path: 'oidc.providers_file',
    type: 'string',
    default: '',
    aliases: ['AUTH_PROVIDERS_FILE'],
    description:
      'A YAML or JSON file listing more OIDC providers (id, display_name, discovery_url, client_id, ...; see ' +
      'docs/identity.md); the login page then lets the user choose.',
  },
  {
    path: 'oidc.login_timeout_ms',
    type: 'integer',
    default: 600_000,
    min: 30_000,
    max: 3_600_000,
    description: 'How long a browser may take to log in at the provider and come back; the login state is single use.',
  },
  {
    path: 'oidc.http_timeout_ms',
    type: 'integer',
    default: 10_000,
    min: 500,
    max: 120_000,
    description: "Longest the gateway waits for the provider's discovery, token, keys and userinfo endpoints.",
  },
  // --- JWT bearer and trusted proxy headers (issue 7, items 4 and 6) ---
  {
    path: 'jwt.enabled',
    type: 'boolean',
    default: false,
    description:
      'Accept "Authorization: Bearer <JWT>" (what the MLflow client sends with MLFLOW_TRACKING_TOKEN): access ' +
      'tokens signed by the identity provider, checked against its published keys. Needs jwt.audience, and the ' +
      'provider from jwt.discovery_url or from jwt.issuer and jwt.jwks_uri.',
  },
  {
    path: 'jwt.discovery_url',
    type: 'string',
    default: '',
    description:
      "The provider's OpenID Connect discovery document (…/.well-known/openid-configuration), read once at " +
      'start-up (mlgate does not start if it cannot be read) for the issuer and the JWKS URI. Empty: ' +
      'oidc.discovery_url (OIDC_DISCOVERY_URL), the provider of browser login. Usernames and groups come from ' +
      'the claims named by oidc.username_claims and oidc.groups_attribute.',
  },
  {
    path: 'jwt.issuer',
    type: 'string',
    default: '',
    aliases: ['OIDC_ISSUER'],
    description: 'The "iss" tokens must carry. Empty: the issuer of the discovery document.',
  },
  {
    path: 'jwt.jwks_uri',
    type: 'string',
    default: '',
    description:
      "Where the provider's signing keys are published (JWKS). Empty: the jwks_uri of the discovery document.",
  },
  {
    path: 'jwt.audience',
    type: 'string-list',
    default: [],
    aliases: ['OIDC_AUDIENCE'],
    description:
      'Accepted "aud" values; a token must name at least one (required when jwt.enabled). Use the audience the ' +
      'provider puts in access tokens for this gateway (an API identifier or client id).',
  },
  {
    path: 'jwt.algorithms',
    type: 'string-list',
    default: DEFAULT_JWT_ALGORITHMS,
    description:
      'Signature algorithms accepted. Asymmetric only: "none" and HMAC (HS256…) are refused here, since a token ' +
      '"signed" with HMAC using the provider\'s public key as the secret would otherwise verify.',
  },
  {
    path: 'jwt.provision_users',
    type: 'boolean',
    default: false,
    aliases: ['OIDC_PROVISION_ON_BEARER_AUTH'],
    description:
      'Create the user named by a valid token on first use (no groups, not an administrator). Off: the user must ' +
      'exist already (mlgate user create), or the token is refused.',
  },
  {
    path: 'jwt.trust_group_claims',
    type: 'boolean',
    default: false,
    aliases: ['OIDC_TRUST_BEARER_GROUP_CLAIMS'],
    description:
      "Add the token's groups (oidc.groups_attribute) to the user's stored groups for the request, including " +
      'auth.admin_groups: a token can then make an administrator. Off: only stored groups count.',
  },
  {
    path: 'jwt.clock_tolerance_s',
    type: 'integer',
    default: 30,
    min: 0,
    max: 300,
    description: 'Clock skew tolerated on "exp" and "nbf", in seconds.',
  },
  {
    path: 'jwt.jwks_cache_max_age_s',
    type: 'integer',
    default: 600,
    min: 10,
    max: 86_400,
    aliases: ['OIDC_JWKS_CACHE_TTL_SECONDS'],
    description: "How long the provider's keys are used before they are fetched again, in seconds.",
  },
  {
    path: 'jwt.jwks_cooldown_s',
    type: 'integer',
    default: 30,
    min: 1,
    max: 3_600,
    description:
      'A token naming a key id the gateway does not hold makes it fetch the keys again (the provider may have ' +
      'rotated them), but at most once in this many seconds, so made-up key ids cannot flood the provider.',
  },
  {
    path: 'jwt.http_timeout_ms',
    type: 'integer',
    default: 5_000,
    min: 100,
    max: 60_000,
    description: 'Longest wait for the discovery document and the key set.',
  },
  {
    path: 'proxy_auth.enabled',
    type: 'boolean',
    default: false,
    description:
      'Take the identity from headers set by an authenticating proxy in front of mlgate (oauth2-proxy and the ' +
      'like), only on connections from proxy_auth.trusted_proxies (required).',
  },
  {
    path: 'proxy_auth.trusted_proxies',
    type: 'string-list',
    default: [],
    description:
      'Addresses and CIDR ranges of the proxies (the TCP peer, never X-Forwarded-For), e.g. 10.0.0.5, ' +
      '10.1.0.0/16, fd00::/8, or loopback / linklocal / uniquelocal. Identity headers from anyone else are ' +
      'ignored and logged.',
  },
  {
    path: 'proxy_auth.user_headers',
    type: 'string-list',
    default: ['X-Forwarded-Email', 'X-Forwarded-User'],
    description:
      'Headers naming the user, the first present wins (lower-cased). With oauth2-proxy --set-xauthrequest: ' +
      'X-Auth-Request-Email,X-Auth-Request-User. Never passed to MLflow.',
  },
  {
    path: 'proxy_auth.groups_header',
    type: 'string',
    default: 'X-Forwarded-Groups',
    description:
      "Header with the user's groups, comma-separated, added to the stored groups for the request (auth.admin_groups " +
      'included). Empty: groups come from the store only. Never passed to MLflow.',
  },
  {
    path: 'proxy_auth.provision_users',
    type: 'boolean',
    default: true,
    description:
      'Create the user the proxy names on first use (no stored groups, not an administrator), as a browser login ' +
      'does. Off: the user must exist already.',
  },

  // Access tokens and failed-credential throttling (issue 7, items 5 and 7).
  {
    path: 'tokens.default_lifetime_days',
    type: 'integer',
    default: 90,
    min: 1,
    max: 36_500,
    description: 'Lifetime of an access token created without one (at most tokens.max_lifetime_days).',
  },
  {
    path: 'tokens.max_lifetime_days',
    type: 'integer',
    default: 366,
    min: 1,
    max: 36_500,
    description: 'Longest lifetime an access token may be created with.',
  },
  {
    path: 'tokens.allow_no_expiry',
    type: 'boolean',
    default: false,
    description: 'Allow access tokens that never expire (asked for as "never"). Off: every token expires.',
  },
  {
    path: 'tokens.replace_on_create',
    type: 'boolean',
    default: false,
    description:
      "Creating an access token revokes the user's other tokens (one token per user, as mlflow-oidc-auth " +
      'before named tokens). Off: a user holds several named tokens.',
  },
  {
    path: 'tokens.max_per_user',
    type: 'integer',
    default: 20,
    min: 1,
    max: 10_000,
    description: 'Most access tokens one user may hold; creating more is refused until one is revoked.',
  },
  {
    path: 'tokens.create_with_token',
    type: 'boolean',
    default: false,
    description:
      'Let a caller authenticated by an access token or a JWT bearer token create access tokens through POST ' +
      '/_mlgate/api/tokens. Off: only a signed-in browser (or a trusted proxy user) can, so a leaked or ' +
      'short-lived token cannot mint others that outlive it. The CLI is not affected.',
  },
  {
    path: 'throttle.enabled',
    type: 'boolean',
    default: true,
    description:
      'Slow down, then refuse with 429, repeated failed credentials per address and per username (counted in ' +
      'MongoDB, shared by every replica). See docs/identity.md, Throttling.',
  },
  {
    path: 'throttle.window_ms',
    type: 'integer',
    default: 900_000,
    min: 1_000,
    max: 86_400_000,
    description: 'How long failures are remembered after the latest one under the same address or username.',
  },
  {
    path: 'throttle.free_failures',
    type: 'integer',
    default: 5,
    min: 0,
    max: 10_000,
    description: 'Failures per address or username answered at once; later ones are delayed.',
  },
  {
    path: 'throttle.delay_ms',
    type: 'integer',
    default: 250,
    min: 0,
    max: 60_000,
    description: 'Delay of the first failure past throttle.free_failures; it doubles with each further failure.',
  },
  {
    path: 'throttle.max_delay_ms',
    type: 'integer',
    default: 5_000,
    min: 0,
    max: 60_000,
    description: 'Longest delay of a failed credential.',
  },
  {
    path: 'throttle.address_max_failures',
    type: 'integer',
    default: 30,
    min: 1,
    max: 1_000_000,
    description:
      'Failures from one address after which every credential it sends (valid ones too, browser sessions ' +
      'excepted) gets 429 MLGATE_AUTH_THROTTLED until the window passes.',
  },
  {
    path: 'throttle.username_max_failures',
    type: 'integer',
    default: 10,
    min: 1,
    max: 1_000_000,
    description:
      'Failures naming one username after which further failed attempts for it get 429; a valid token of that ' +
      'user from an address that is not blocked still works.',
  },
  // Policy bundles for GitOps (issue 8, item 5).
  {
    path: 'policy.bundle_url',
    type: 'string',
    default: '',
    secret: true,
    description:
      "An http(s) URL to poll for the bundle instead of policy.bundle, as OPA's bundle protocol does (If-None-Match " +
      'with the ETag of the active bundle; 304 keeps it). The first download must succeed for mlgate to start.',
  },
  {
    path: 'policy.watch',
    type: 'boolean',
    default: true,
    description:
      'Watch policy.bundle (file or directory) and activate a new bundle put in its place, without a restart. ' +
      'A bundle that cannot be used is refused and the last good one keeps deciding.',
  },
  {
    path: 'policy.poll_interval_ms',
    type: 'integer',
    default: 10_000,
    min: 100,
    max: 86_400_000,
    description:
      'How often policy.bundle_url is polled (give or take 10 %), and how often a watched policy.bundle is ' +
      'checked in case a file change event was missed.',
  },
  {
    path: 'policy.poll_timeout_ms',
    type: 'integer',
    default: 30_000,
    min: 100,
    max: 600_000,
    description: 'Longest download of policy.bundle_url; a slower one is abandoned and the current bundle kept.',
  },
  {
    path: 'policy.signing_key',
    type: 'string',
    default: '',
    description:
      'PEM public key (inline, or the path of a file) that bundle signatures (.signatures.json, from "opa build ' +
      '--signing-key" or "opa sign") are checked with. A signed bundle is refused without it.',
  },
  {
    path: 'policy.signing_scope',
    type: 'string',
    default: '',
    description: 'The scope a bundle signature must name ("opa sign --scope"); empty: signatures without a scope.',
  },
  {
    path: 'policy.require_signature',
    type: 'boolean',
    default: false,
    description: 'Refuse any bundle that is not signed with policy.signing_key (needs policy.signing_key).',
  },
];

/** The environment variable that always sets an option: MLGATE_ + path in upper case, dots as underscores. */
export function envNameOf(path: string): string {
  return 'MLGATE_' + path.toUpperCase().replaceAll('.', '_');
}
