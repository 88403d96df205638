/**
 * The one error family of mlgate. Every error a user can meet carries a stable
 * `code` (documented in docs/errors.md), an HTTP status, the MLflow error code
 * that MLflow clients understand, and a message that says what went wrong and
 * what to do about it.
 */

interface ErrorSpec {
  readonly status: number;
  /** MLflow `error_code`, so MLflow clients raise a matching exception. */
  readonly mlflowCode: string;
  /** Default message: what went wrong and what to do. */
  readonly message: string;
}

export const ERROR_CATALOGUE = {
  MLGATE_AUTH_REQUIRED: {
    status: 401,
    mlflowCode: 'UNAUTHENTICATED',
    message:
      'Authentication required. For the MLflow client, set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD ' +
      '(your username and an access token), or MLFLOW_TRACKING_TOKEN (a bearer token from your identity provider, ' +
      'where enabled); in a browser, sign in at /_mlgate/login.',
  },
  MLGATE_LOGIN_REQUIRED: {
    status: 302,
    mlflowCode: 'UNAUTHENTICATED',
    message: 'Sign in first: follow the Location header to the login page, which brings you back here afterwards.',
  },
  MLGATE_AUTH_INVALID: {
    status: 401,
    mlflowCode: 'UNAUTHENTICATED',
    message:
      'The username or access token is not valid. Check MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, ' +
      'or ask an administrator for a new token (mlgate token create <username>).',
  },
  MLGATE_AUTH_TOKEN_EXPIRED: {
    status: 401,
    mlflowCode: 'UNAUTHENTICATED',
    message: 'The access token has expired. Create a new one (mlgate token create <username>) and use it instead.',
  },
  MLGATE_AUTH_MALFORMED: {
    status: 401,
    mlflowCode: 'UNAUTHENTICATED',
    message: 'The Authorization header could not be parsed. Send "Authorization: Basic base64(username:token)".',
  },
  MLGATE_AUTH_UNSUPPORTED: {
    status: 401,
    mlflowCode: 'UNAUTHENTICATED',
    message:
      'This authorization scheme is not enabled on this gateway. The WWW-Authenticate headers of this response ' +
      'list the ones it accepts (Basic with an access token, and Bearer where enabled).',
  },

  MLGATE_CROSS_SITE_REFUSED: {
    status: 403,
    mlflowCode: 'PERMISSION_DENIED',
    message:
      'A state-changing request that a browser sent with credentials it adds by itself (the session cookie, Basic ' +
      "credentials it remembers, an authenticating proxy's cookie) must come from a page of this gateway (Origin " +
      'check). Scripts and API clients should send an access token or a bearer token without browser headers; an ' +
      'operator can allow another origin with session.allowed_origins.',
  },
  MLGATE_PERMISSION_DENIED: {
    status: 403,
    mlflowCode: 'PERMISSION_DENIED',
    message:
      'Permission denied. Ask a user with MANAGE permission on the resource, or an administrator, to grant you access.',
  },
  MLGATE_ADMIN_REQUIRED: {
    status: 403,
    mlflowCode: 'PERMISSION_DENIED',
    message: 'Only administrators may call this endpoint.',
  },
  MLGATE_ROUTE_UNKNOWN: {
    status: 403,
    mlflowCode: 'PERMISSION_DENIED',
    message:
      "This route is not in the gateway's MLflow route catalogue, so only administrators may call it. " +
      'If it is a real MLflow endpoint, report it to the mlgate maintainers.',
  },
  MLGATE_RESOURCE_NOT_FOUND: {
    status: 404,
    mlflowCode: 'RESOURCE_DOES_NOT_EXIST',
    message: 'The requested resource does not exist. Check the id or name.',
  },
  MLGATE_NOT_FOUND: {
    status: 404,
    mlflowCode: 'ENDPOINT_NOT_FOUND',
    message: 'No such gateway endpoint.',
  },
  MLGATE_REQUEST_INVALID: {
    status: 400,
    mlflowCode: 'INVALID_PARAMETER_VALUE',
    message: 'The request is malformed or ambiguous. Fix the request parameters and retry.',
  },
  MLGATE_BODY_TOO_LARGE: {
    status: 413,
    mlflowCode: 'INVALID_PARAMETER_VALUE',
    message:
      'The request body is larger than the gateway accepts on MLflow API routes (server.max_json_body_bytes). ' +
      'Send a smaller request or raise the limit.',
  },
  MLGATE_POLICY_UNAVAILABLE: {
    status: 503,
    mlflowCode: 'TEMPORARILY_UNAVAILABLE',
    message: 'No authorization policy is loaded, so every request is refused. An operator must fix the policy bundle.',
  },
  MLGATE_POLICY_ERROR: {
    status: 503,
    mlflowCode: 'TEMPORARILY_UNAVAILABLE',
    message:
      'The authorization policy failed to evaluate, so the request was refused. Retry later; ' +
      'if it persists, an operator must check the policy bundle and the gateway logs.',
  },
  MLGATE_STORE_UNAVAILABLE: {
    status: 503,
    mlflowCode: 'TEMPORARILY_UNAVAILABLE',
    message:
      'The permission store (MongoDB) is unreachable, so the request was refused. Retry later; ' +
      'if it persists, an operator must check MongoDB.',
  },
  MLGATE_UPSTREAM_UNAVAILABLE: {
    status: 502,
    mlflowCode: 'TEMPORARILY_UNAVAILABLE',
    message: 'The MLflow tracking server is unreachable. Retry later; if it persists, an operator must check MLflow.',
  },
  MLGATE_UPSTREAM_TIMEOUT: {
    status: 504,
    mlflowCode: 'TEMPORARILY_UNAVAILABLE',
    message: 'The MLflow tracking server did not answer in time (upstream.timeout_ms). Retry later.',
  },
  MLGATE_UPSTREAM_INVALID_RESPONSE: {
    status: 502,
    mlflowCode: 'TEMPORARILY_UNAVAILABLE',
    message:
      'The MLflow tracking server gave an answer the gateway could not use to check permissions. ' +
      'Retry later; if it persists, check that the MLflow version is supported.',
  },
  MLGATE_INTERNAL: {
    status: 500,
    mlflowCode: 'INTERNAL_ERROR',
    message: 'Internal gateway error. Retry later and report the request id if it persists.',
  },
  MLGATE_CONFIG_INVALID: {
    status: 500,
    mlflowCode: 'INTERNAL_ERROR',
    message: 'The gateway configuration is invalid. Fix the listed problems and start again.',
  },
  MLGATE_USAGE: {
    status: 400,
    mlflowCode: 'INVALID_PARAMETER_VALUE',
    message: 'Invalid command line. Run "mlgate help" for usage.',
  },
  MLGATE_CONFLICT: {
    status: 409,
    mlflowCode: 'RESOURCE_ALREADY_EXISTS',
    message: 'The object already exists.',
  },
  MLGATE_PATTERN_INVALID: {
    status: 400,
    mlflowCode: 'INVALID_PARAMETER_VALUE',
    message:
      'The regex rule pattern is refused: it must be RE2 syntax (no backreferences or look-around), at most 1024 ' +
      'characters, and it is matched against the whole resource name.',
  },
  MLGATE_RULE_LIMIT: {
    status: 400,
    mlflowCode: 'INVALID_PARAMETER_VALUE',
    message:
      "A user's or group's regex rules on one resource type would exceed permissions.max_rules_per_principal or " +
      'permissions.max_rule_chars_per_principal.',
  },
  MLGATE_PERMISSIONS_FILE_INVALID: {
    status: 400,
    mlflowCode: 'INVALID_PARAMETER_VALUE',
    message: 'The permissions file is invalid; every problem is listed with its place in the file.',
  },
  MLGATE_PERMISSIONS_STALE: {
    status: 503,
    mlflowCode: 'TEMPORARILY_UNAVAILABLE',
    message:
      'The gateway could not refresh permission data from MongoDB for longer than permissions.max_stale_ms, so the ' +
      'request was refused. Retry later; if it persists, an operator must check MongoDB.',
  },
  MLGATE_NO_SUCH_OBJECT: {
    status: 404,
    mlflowCode: 'RESOURCE_DOES_NOT_EXIST',
    message: 'The object does not exist.',
  },

  // ---- Browser single sign-on through OIDC (issue 7): shown as HTML pages on the login routes ----
  MLGATE_LOGIN_TARGET_INVALID: {
    status: 400,
    mlflowCode: 'INVALID_PARAMETER_VALUE',
    message:
      'The page to return to after login (rd) is not a page of this site, so the login was not started. ' +
      'Open the page you want directly; you will be asked to log in.',
  },
  MLGATE_LOGIN_PROVIDER_UNKNOWN: {
    status: 404,
    mlflowCode: 'RESOURCE_DOES_NOT_EXIST',
    message: 'No identity provider of that name is configured. Choose one on the login page (/_mlgate/login).',
  },
  MLGATE_LOGIN_STATE_INVALID: {
    status: 400,
    mlflowCode: 'INVALID_PARAMETER_VALUE',
    message:
      'This login has expired, was already used, or was started in another browser. ' +
      'Open the page you wanted again to log in anew.',
  },
  MLGATE_LOGIN_DENIED_BY_PROVIDER: {
    status: 403,
    mlflowCode: 'PERMISSION_DENIED',
    message: 'The identity provider did not sign you in. Try again, or ask your identity provider administrator.',
  },
  MLGATE_LOGIN_FAILED: {
    status: 400,
    mlflowCode: 'UNAUTHENTICATED',
    message:
      "The identity provider's answer did not check out, so you were not signed in. Try again; if it keeps " +
      'failing, an operator must check the OIDC settings and the gateway log (request id below).',
  },
  MLGATE_LOGIN_PROVIDER_UNAVAILABLE: {
    status: 503,
    mlflowCode: 'TEMPORARILY_UNAVAILABLE',
    message:
      'The identity provider cannot be reached, so login is not possible right now. Try again later; if it ' +
      'persists, an operator must check oidc.discovery_url and the network.',
  },
  MLGATE_LOGIN_USERNAME_MISSING: {
    status: 403,
    mlflowCode: 'PERMISSION_DENIED',
    message:
      'The identity provider did not say who you are in a way mlgate can use as a username. An operator must ' +
      'check oidc.username_claims (OIDC_USERNAME_FIELD) and what the provider sends.',
  },
  MLGATE_LOGIN_GROUP_REQUIRED: {
    status: 403,
    mlflowCode: 'PERMISSION_DENIED',
    message:
      'You are signed in at the identity provider, but not in a group allowed to use MLflow. Ask your identity ' +
      'provider administrator to add you to one of the groups named here.',
  },

  // --- JWT bearer and trusted proxy headers (issue 7, items 4 and 6) ---
  MLGATE_BEARER_MALFORMED: {
    status: 401,
    mlflowCode: 'UNAUTHENTICATED',
    message:
      'The Bearer token is not a well-formed signed JWT (or more than one Authorization header was sent). ' +
      'Send one "Authorization: Bearer <jwt>" header with an access token from the identity provider ' +
      '(MLFLOW_TRACKING_TOKEN for the MLflow client).',
  },
  MLGATE_BEARER_ALG_NONE: {
    status: 401,
    mlflowCode: 'UNAUTHENTICATED',
    message: 'The Bearer token is unsigned ("alg": "none"); only tokens signed by the identity provider are accepted.',
  },
  MLGATE_BEARER_ALG_NOT_ALLOWED: {
    status: 401,
    mlflowCode: 'UNAUTHENTICATED',
    message:
      "The Bearer token's signature algorithm is not allowed (HMAC algorithms never are, nor any outside " +
      'jwt.algorithms). Use an access token signed by the identity provider with its published keys.',
  },
  MLGATE_BEARER_UNKNOWN_KEY: {
    status: 401,
    mlflowCode: 'UNAUTHENTICATED',
    message:
      'The Bearer token is signed with a key the identity provider does not publish (its JWKS). Get a new token; ' +
      'if the provider has just rotated its keys, retry in a minute.',
  },
  MLGATE_BEARER_BAD_SIGNATURE: {
    status: 401,
    mlflowCode: 'UNAUTHENTICATED',
    message: "The Bearer token's signature does not verify: it was altered or not issued by the identity provider.",
  },
  MLGATE_BEARER_EXPIRED: {
    status: 401,
    mlflowCode: 'UNAUTHENTICATED',
    message: 'The Bearer token has expired. Get a new access token from the identity provider.',
  },
  MLGATE_BEARER_WRONG_AUDIENCE: {
    status: 401,
    mlflowCode: 'UNAUTHENTICATED',
    message:
      'The Bearer token was issued for another audience ("aud"). Request a token for this gateway (jwt.audience).',
  },
  MLGATE_BEARER_WRONG_ISSUER: {
    status: 401,
    mlflowCode: 'UNAUTHENTICATED',
    message: 'The Bearer token was issued by another issuer ("iss") than the identity provider this gateway trusts.',
  },
  MLGATE_BEARER_CLAIM_MISSING: {
    status: 401,
    mlflowCode: 'UNAUTHENTICATED',
    message:
      'The Bearer token lacks a required claim ("iss", "aud", "exp", or one that names the user). ' +
      'Configure the identity provider to include it.',
  },
  MLGATE_BEARER_CLAIM_INVALID: {
    status: 401,
    mlflowCode: 'UNAUTHENTICATED',
    message:
      'A claim of the Bearer token is not valid (not yet valid, a malformed date, or a username mlgate cannot use). ' +
      'Get a new token; if it persists, check the identity provider.',
  },
  MLGATE_BEARER_UNKNOWN_USER: {
    status: 401,
    mlflowCode: 'UNAUTHENTICATED',
    message:
      'The Bearer token is valid but names a user mlgate does not know. Ask an administrator to create the user ' +
      '(mlgate user create) or to enable jwt.provision_users.',
  },
  MLGATE_BEARER_KEYS_UNAVAILABLE: {
    status: 503,
    mlflowCode: 'TEMPORARILY_UNAVAILABLE',
    message:
      "The identity provider's signing keys (JWKS) could not be fetched, so the Bearer token cannot be checked. " +
      'Retry later; if it persists, an operator must check jwt.jwks_uri and the provider.',
  },
  MLGATE_PROXY_HEADER_DUPLICATED: {
    status: 400,
    mlflowCode: 'INVALID_PARAMETER_VALUE',
    message:
      'An identity header from the trusted proxy was sent more than once (or the user header holds several values). ' +
      'An operator must fix the proxy so that it sends each identity header once.',
  },
  MLGATE_PROXY_USER_INVALID: {
    status: 401,
    mlflowCode: 'UNAUTHENTICATED',
    message:
      'The identity header from the trusted proxy does not hold a usable username (letters, digits and . _ @ + -). ' +
      'An operator must check the proxy configuration (proxy_auth.user_header).',
  },
  MLGATE_PROXY_UNKNOWN_USER: {
    status: 401,
    mlflowCode: 'UNAUTHENTICATED',
    message:
      'The trusted proxy names a user mlgate does not know. Ask an administrator to create the user ' +
      '(mlgate user create) or to enable proxy_auth.provision_users.',
  },

  // Access tokens and failed-credential throttling (issue 7, items 5 and 7).
  MLGATE_AUTH_TOKEN_OUTDATED: {
    status: 401,
    mlflowCode: 'UNAUTHENTICATED',
    message:
      'This access token has the format of an older mlgate version, which is no longer accepted. ' +
      'Create a new token (POST /_mlgate/api/tokens, or ask an administrator: mlgate token create <username>).',
  },
  MLGATE_AUTH_THROTTLED: {
    status: 429,
    mlflowCode: 'REQUEST_LIMIT_EXCEEDED',
    message:
      'Too many failed sign-in attempts from this address or for this user. Wait for the time given in ' +
      'Retry-After, then retry with valid credentials.',
  },
  MLGATE_TOKEN_EXPIRY_INVALID: {
    status: 400,
    mlflowCode: 'INVALID_PARAMETER_VALUE',
    message:
      'The requested token lifetime is not allowed. Ask for a duration like 90d within tokens.max_lifetime_days.',
  },
  MLGATE_TOKEN_CREATE_FORBIDDEN: {
    status: 403,
    mlflowCode: 'PERMISSION_DENIED',
    message:
      'An access token or a bearer token cannot create access tokens here (tokens.create_with_token). Sign in through the ' +
      'browser to create one, or ask an administrator (mlgate token create <username>).',
  },
  MLGATE_TOKEN_LIMIT: {
    status: 409,
    mlflowCode: 'RESOURCE_LIMIT_EXCEEDED',
    message: 'This user already holds the most access tokens allowed (tokens.max_per_user). Revoke one first.',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface MlgateErrorOptions {
  /** The lower-level error, kept for logs; never sent to clients. */
  readonly cause?: unknown;
  /** Structured, client-safe details (for example the reasons of a denial). */
  readonly details?: Readonly<Record<string, unknown>>;
  /** Extra response headers, e.g. WWW-Authenticate (a list: one header line per value). */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
}

export class MlgateError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly mlflowCode: string;
  /** True when the message may be shown to the client (all 4xx, and our own 5xx texts). */
  readonly expose = true;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;

  constructor(code: ErrorCode, message?: string, options: MlgateErrorOptions = {}) {
    const spec: ErrorSpec = ERROR_CATALOGUE[code];
    super(message ?? spec.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MlgateError';
    this.code = code;
    this.status = spec.status;
    this.mlflowCode = spec.mlflowCode;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

/** True for errors of the mlgate family. */
export function isMlgateError(error: unknown): error is MlgateError {
  return error instanceof MlgateError;
}

/** Wraps any thrown value into the family, keeping the original as `cause`. */
export function toMlgateError(error: unknown): MlgateError {
  return isMlgateError(error) ? error : new MlgateError('MLGATE_INTERNAL', undefined, { cause: error });
}

/** The JSON body of an error response, in MLflow's error format plus mlgate's own fields. */
export function errorBody(error: MlgateError, requestId: string): Record<string, unknown> {
  return {
    error_code: error.mlflowCode,
    message: error.message,
    code: error.code,
    request_id: requestId,
    ...(error.details === undefined ? {} : { details: error.details }),
  };
}
