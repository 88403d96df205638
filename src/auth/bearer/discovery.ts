/**
 * OpenID Connect discovery for Bearer verification: the provider's issuer and JWKS URI, read once at start-up
 * from OIDC_DISCOVERY_URL, with a timeout. Values configured directly (jwt.issuer, jwt.jwks_uri) win.
 */
import { z } from 'zod';

import { MlgateError } from '../../errors.js';
import { providerUrlProblem } from './provider-url.js';

export interface ProviderKeysMetadata {
  readonly issuer: string;
  readonly jwksUri: string;
}

const DISCOVERY_DOCUMENT = z.object({
  issuer: z.string().min(1),
  jwks_uri: z.url({ protocol: /^https?$/ }),
});

export type Fetch = (url: string, init: { signal: AbortSignal; headers: Record<string, string> }) => Promise<Response>;

export async function discoverProviderKeys(options: {
  readonly discoveryUrl: string;
  readonly timeoutMs: number;
  readonly fetch?: Fetch;
}): Promise<ProviderKeysMetadata> {
  const doFetch: Fetch = options.fetch ?? ((url, init) => fetch(url, init));
  const fail = (problem: string, cause?: unknown): MlgateError =>
    new MlgateError(
      'MLGATE_CONFIG_INVALID',
      `JWT bearer: the OIDC discovery document ${options.discoveryUrl} ${problem}. Check jwt.discovery_url ` +
        '(OIDC_DISCOVERY_URL) and that the provider is reachable, or set jwt.issuer and jwt.jwks_uri directly.',
      { cause },
    );
  let response: Response;
  let body: unknown;
  try {
    response = await doFetch(options.discoveryUrl, {
      signal: AbortSignal.timeout(options.timeoutMs),
      headers: { accept: 'application/json' },
    });
    if (response.status !== 200) {
      throw fail(`answered HTTP ${response.status}`);
    }
    body = await response.json();
  } catch (error) {
    if (error instanceof MlgateError) {
      throw error;
    }
    throw fail(`could not be read within ${options.timeoutMs} ms`, error);
  }
  const parsed = DISCOVERY_DOCUMENT.safeParse(body);
  if (!parsed.success) {
    throw fail('has no usable "issuer" and "jwks_uri"');
  }
  const problem = providerUrlProblem(parsed.data.jwks_uri);
  if (problem !== null) {
    throw fail(`names a jwks_uri (${parsed.data.jwks_uri}) that ${problem}`);
  }
  return { issuer: parsed.data.issuer, jwksUri: parsed.data.jwks_uri };
}
