/** The keys failures are counted under: the TCP peer address, and the username a failed credential named. */
import { isIPv4 } from 'node:net';

import { isValidUsername, normalizeUsername } from '../usernames.js';

/** Node reports IPv4 peers of a dual-stack socket as ::ffff:a.b.c.d; count them as the IPv4 address. */
export function addressKey(peerAddress: string): string {
  const mapped = peerAddress.toLowerCase().startsWith('::ffff:') ? peerAddress.slice('::ffff:'.length) : '';
  return `address:${isIPv4(mapped) ? mapped : peerAddress.toLowerCase()}`;
}

/**
 * The key of a username, or null when it could never authenticate (not a valid username): counting those would
 * only let an attacker fill the store, and the address counter still sees the attempt.
 */
export function usernameKey(username: string | undefined): string | null {
  if (username === undefined) {
    return null;
  }
  const normalized = normalizeUsername(username);
  return isValidUsername(normalized) ? `username:${normalized}` : null;
}
