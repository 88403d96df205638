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
  // Skips every guardrail of an AI gateway endpoint (gateway_api.py); only MLflow's own callers may send it.
  'x-mlflow-guardrail-bypass',
]);

// Every X-Forwarded-* (identity claims like -User, -Email, -Groups, and -For/-Host/-Proto, which the gateway sets
// itself).
const STRIPPED_PREFIXES = ['x-forwarded-', 'x-auth-request-', 'x-mlgate-'];

/**
 * True when a client-supplied header must be removed before proxying. Every name with an underscore goes too, as
 * nginx does by default: WSGI reads "X-Forwarded_User" or "X_Mlgate_Request_Id" as the dashed names, so they
 * would slip past the list above.
 */
export function isStrippedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.includes('_') || STRIPPED.has(lower) || STRIPPED_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe the client's connection to the gateway, not the gateway's to
 * MLflow, and are never passed on: a client's `Trailer` on a request the gateway sends with a Content-Length made
 * Node throw outside any handler and took the whole gateway down.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
  // Not hop-by-hop in RFC 9110, but met on this hop: Node answers a client's `Expect: 100-continue` itself. Passed
  // on, it made http-proxy skip its 'proxyReq' event, so an upload growing past server.max_artifact_upload_bytes was
  // never cut on MLflow's side: its 413 waited upstream.timeout_ms (5 minutes), holding an upstream socket.
  'expect',
]);

/** The hop-by-hop headers of a request: the fixed list and every header its Connection header names. */
function hopByHop(headers: IncomingHttpHeaders): Set<string> {
  const named = new Set(HOP_BY_HOP);
  const connection: string | string[] | undefined = headers['connection'];
  const values: string[] = Array.isArray(connection) ? connection : connection === undefined ? [] : [connection];
  for (const value of values) {
    for (const name of value.split(',')) {
      named.add(name.trim().toLowerCase());
    }
  }
  return named;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * A copy of `headers` without the stripped ones (and `alsoStripped`, lower-case names: the configured identity
 * headers of a trusted proxy, whatever their names, from every request), plus the gateway's request id. When the gateway read the body
 * (`bodyLength`), it is replayed with an explicit Content-Length and no Transfer-Encoding: MLflow drops a chunked
 * body that has no length, so it must see exactly the bytes that were checked. `clientAddress` becomes the first
 * X-Forwarded-For entry.
 */
export function upstreamHeaders(
  headers: IncomingHttpHeaders,
  requestId: string,
  bodyLength?: number,
  alsoStripped: ReadonlySet<string> = NONE,
  strippedCookies: ReadonlySet<string> = NONE,
  clientAddress?: string,
): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  const hop = hopByHop(headers);
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!isStrippedHeader(name) && !hop.has(lower) && !alsoStripped.has(lower)) {
      out[name] = value;
    }
  }
  if (typeof out['cookie'] === 'string' && strippedCookies.size > 0) {
    const kept = withoutCookies(out['cookie'], strippedCookies);
    if (kept === '') {
      delete out['cookie'];
    } else {
      out['cookie'] = kept;
    }
  }
  if (bodyLength !== undefined) {
    delete out['transfer-encoding'];
    out['content-length'] = String(bodyLength);
  }
  out['x-mlgate-request-id'] = requestId;
  if (clientAddress !== undefined && clientAddress !== '') {
    // The client as the gateway established it through server.trusted_proxies; the proxy appends its peer after it.
    // MLflow's host-only routes (the assistant's) then see the real client, not the reverse proxy's address.
    out['x-forwarded-for'] = clientAddress;
  }
  return out;
}

/**
 * A Cookie header without the gateway's own cookies (the session and login cookies and their signatures): they are
 * credentials for the gateway, and MLflow (its logs, plugins, anything in between) must never hold them.
 */
export function withoutCookies(cookieHeader: string, names: ReadonlySet<string>): string {
  return cookieHeader
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => {
      const eq = pair.indexOf('=');
      const name = (eq < 0 ? pair : pair.slice(0, eq)).trim();
      return pair !== '' && !names.has(name);
    })
    .join('; ');
}
