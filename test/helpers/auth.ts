/** Builds an AuthRequest for unit tests of authenticators: rawHeaders follow the headers given. */
import type { IncomingHttpHeaders } from 'node:http';

import type { AuthRequest } from '../../src/auth/principal.js';

export function authRequest(partial: Partial<AuthRequest> & { headers?: IncomingHttpHeaders } = {}): AuthRequest {
  const headers = partial.headers ?? {};
  const rawHeaders =
    partial.rawHeaders ??
    Object.entries(headers).flatMap(([name, value]) =>
      value === undefined ? [] : Array.isArray(value) ? value.flatMap((v) => [name, v]) : [name, value],
    );
  return {
    headers,
    rawHeaders,
    peerAddress: partial.peerAddress ?? '127.0.0.1',
    secure: partial.secure ?? false,
    session: partial.session ?? null,
    now: partial.now ?? new Date(),
  };
}
