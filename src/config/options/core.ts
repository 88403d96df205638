/** Options: The gateway itself: listener, upstream MLflow, MongoDB, policy bundle, administrators, permissions, artifacts, caches, logging. */
import type { OptionSpec } from '../schema.js';

export const CORE_OPTIONS: readonly OptionSpec[] = [
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
    path: 'server.shutdown_timeout_ms',
    type: 'integer',
    default: 10_000,
    min: 0,
    max: 3_600_000,
    description:
      'How long a gateway told to stop (SIGTERM, SIGINT) lets the requests under way finish. It stops taking new ' +
      'connections at once and answers each request still arriving with Connection: close; past this, the ' +
      "connections still open are closed. Keep it below the orchestrator's grace period (Kubernetes: 30 s).",
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
    path: 'upstream.keep_alive',
    type: 'boolean',
    default: false,
    description:
      'Keep connections to MLflow open between requests. Off (the default), each request to MLflow has its own ' +
      'connection, which costs little and never pays the ~40 ms that `mlflow server --workers N` (N > 1) adds to ' +
      'every request after the first on a kept-alive connection (docs/operations.md). Turn it on only for an ' +
      'MLflow that answers kept-alive requests without that delay (one uvicorn worker per server, checked as the ' +
      'operations guide shows): it then saves a connection per request.',
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
      'What a search over several experiments (SearchRuns, SearchLoggedModels, the v2 and v3 trace searches, ' +
      'the dataset searches) does with the ones the caller may not read: drop leaves them out, as ' +
      "MLflow's own auth does; refuse answers 403 for the whole search.",
  },
  // The MLflow assistant (h/gateway).
  {
    path: 'permissions.assistant_access',
    type: 'enum',
    default: 'admin',
    values: ['admin', 'authenticated'],
    description:
      "Who may use the MLflow assistant (the web UI's /ajax-api/3.0/mlflow/assistant/* routes): admin, only " +
      'administrators; authenticated, every authenticated user. The assistant runs a coding agent on the MLflow ' +
      'server, and MLflow gives requests from its own host more of it than remote ones (mlgate passes the ' +
      "client's address on in X-Forwarded-For, so a remote user stays remote to MLflow): open it only when a " +
      'coding agent on the MLflow server is acceptable for every user.',
  },
];
