/**
 * Where the provider's keys may be fetched from (pure): https, or plain http only on this host. Keys fetched over
 * plain http from elsewhere could be swapped on the way, and then anyone could sign tokens.
 */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function providerUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol === 'https:') {
    return null;
  }
  if (url.protocol === 'http:') {
    return LOOPBACK_HOSTS.has(url.hostname) ? null : 'must use https (plain http only for a provider on this host)';
  }
  return `must use https, not ${url.protocol}`;
}
