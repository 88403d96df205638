/**
 * The address failures are counted under: the TCP peer, or, when the peer is a reverse proxy in
 * server.trusted_proxies, the client that proxy names in X-Forwarded-For (the nearest address not itself trusted,
 * as proxy-addr reads it). Without this, every client behind a load balancer would share its address, and one
 * attacker would get them all throttled. Nobody else's X-Forwarded-For is believed.
 */
import proxyAddr from 'proxy-addr';

export interface AddressedRequest {
  readonly peerAddress: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export function createClientAddress(trustedProxies: readonly string[]): (request: AddressedRequest) => string {
  if (trustedProxies.length === 0) {
    return (request) => request.peerAddress;
  }
  const trusted = proxyAddr.compile([...trustedProxies]);
  return (request) => {
    const forwarded = request.headers['x-forwarded-for'];
    const socket = { remoteAddress: request.peerAddress };
    // proxy-addr reads an IncomingMessage; it needs only these parts.
    const req = {
      headers: forwarded === undefined ? {} : { 'x-forwarded-for': [forwarded].flat().join(', ') },
      socket,
      connection: socket,
    };
    return proxyAddr(req as unknown as Parameters<typeof proxyAddr>[0], trusted);
  };
}
