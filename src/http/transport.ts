/**
 * Pre-auth: did the request come over TLS? Directly (the socket is encrypted), or through a reverse proxy in
 * server.trusted_proxies that terminated TLS and says so in X-Forwarded-Proto. Nobody else's X-Forwarded-Proto is
 * believed. The answer decides the Secure flag of the session cookie.
 */
import type { TLSSocket } from 'node:tls';

import type { Middleware } from 'koa';
import proxyAddr from 'proxy-addr';

import type { GatewayState } from './state.js';

export function transportStage(trustedProxies: readonly string[]): Middleware<GatewayState> {
  const trusted = proxyAddr.compile([...trustedProxies]);
  return async (ctx, next) => {
    const socket = ctx.req.socket as Partial<TLSSocket>;
    const peer = ctx.req.socket.remoteAddress ?? '';
    const forwarded = ctx.req.headers['x-forwarded-proto'];
    ctx.state.secure =
      socket.encrypted === true ||
      (trustedProxies.length > 0 &&
        peer !== '' &&
        trusted(peer, 0) &&
        typeof forwarded === 'string' &&
        forwarded.split(',')[0]?.trim().toLowerCase() === 'https');
    ctx.state.session = null;
    await next();
  };
}
