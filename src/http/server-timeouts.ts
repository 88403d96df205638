/**
 * The Node.js HTTP server's own timeouts, from the configuration (pure). Node checks the headers and request
 * timeouts on a timer (connectionsCheckingInterval, 30 s by default), so the check runs often enough for the
 * configured values to hold within a quarter of the headers timeout.
 */
export interface ServerTimeoutSettings {
  readonly headers_timeout_ms: number;
  readonly request_timeout_ms: number;
  readonly keep_alive_timeout_ms: number;
}

export interface ServerTimeouts {
  /** For http.createServer. */
  readonly headersTimeout: number;
  readonly requestTimeout: number;
  readonly connectionsCheckingInterval: number;
  /** Set on the server after creation. */
  readonly keepAliveTimeout: number;
}

export function serverTimeouts(settings: ServerTimeoutSettings): ServerTimeouts {
  const requestTimeout = settings.request_timeout_ms;
  // Node refuses a headers timeout longer than the request timeout; the whole request bounds its headers anyway.
  const headersTimeout =
    requestTimeout > 0 ? Math.min(settings.headers_timeout_ms, requestTimeout) : settings.headers_timeout_ms;
  return {
    headersTimeout,
    requestTimeout,
    connectionsCheckingInterval: Math.min(30_000, Math.max(250, Math.floor(headersTimeout / 4))),
    keepAliveTimeout: settings.keep_alive_timeout_ms,
  };
}
