/**
 * Which TCP peers may assert an identity in headers: the addresses and CIDR ranges of proxy_auth.trusted_proxies,
 * matched by proxy-addr (IPv4, IPv6, IPv4-mapped IPv6, and its names loopback / linklocal / uniquelocal). Only the
 * socket's peer address is ever matched, never a forwarded header.
 */
import proxyAddr from 'proxy-addr';

export type PeerTrust = (peerAddress: string) => boolean;

/** Throws a TypeError naming the first entry proxy-addr cannot read. */
export function compileTrustedPeers(list: readonly string[]): PeerTrust {
  if (list.length === 0) {
    return () => false;
  }
  const trust = proxyAddr.compile([...list]);
  return (peerAddress) => peerAddress !== '' && trust(peerAddress, 0);
}

/** The entries proxy-addr refuses, each with its message (for configuration checks). */
export function invalidTrustedPeers(list: readonly string[]): { entry: string; problem: string }[] {
  const invalid: { entry: string; problem: string }[] = [];
  for (const entry of list) {
    try {
      proxyAddr.compile(entry);
    } catch (error) {
      invalid.push({ entry, problem: error instanceof Error ? error.message : String(error) });
    }
  }
  return invalid;
}
