/**
 * Request headers MLflow must not see from the client (pure): credentials,
 * identity claims that a reverse proxy might be trusted for, and forwarding
 * headers the gateway sets itself.
 */
import type { IncomingHttpHeaders } from 'node:http';

const STRIPPED = new Set([
  'authorization',
  'proxy-authorization',
  'x-mlflow-authorization',
  'remote-user',
  'x-remote-user',
  'x-user',
  'x-email',
  'x-real-ip',
  'forwarded',
]);

// Every X-Forwarded-* (identity claims like -User, -Email, -Groups, and -For/-Host/-Proto, which the gateway sets
// itself).
const STRIPPED_PREFIXES = ['x-forwarded-', 'x-auth-request-', 'x-mlgate-'];

/** True when a client-supplied header must be removed before proxying. */
export function isStrippedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return STRIPPED.has(lower) || STRIPPED_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/** A copy of `headers` without the stripped ones, plus the gateway's request id. */
export function upstreamHeaders(headers: IncomingHttpHeaders, requestId: string): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!isStrippedHeader(name)) {
      out[name] = value;
    }
  }
  out['x-mlgate-request-id'] = requestId;
  return out;
}
