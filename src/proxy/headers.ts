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
  'x-forwarded-user',
  'x-forwarded-email',
  'x-forwarded-preferred-username',
  'x-forwarded-groups',
  'x-forwarded-access-token',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-proto',
  'x-real-ip',
  'forwarded',
]);

const STRIPPED_PREFIXES = ['x-auth-request-', 'x-mlgate-'];

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
