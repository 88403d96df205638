/**
 * What each kind of credential costs per request: the same GetExperiment sent to an upstream that answers at once,
 * directly and through mlgate with a Basic access token, a browser session cookie and a JWT bearer token (all for
 * the same user and grant, against a real OIDC provider and FerretDB). The difference between the mlgate rows is
 * the authentication alone. Run with `make bench`.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { CookieJar } from '../scripts/cookie-jar.js';
import { DEFAULT_ACCOUNTS, startOidcProvider } from '../scripts/oidc-provider.js';
import { ROOT, type Service, freePort, newSecretKey, runCli, startFerretDB, startMlgate } from '../scripts/services.js';
import { REQUESTS, instantUpstream, sequential } from './load.js';
import { fixed, summarize, table } from './stats.js';

const PATH = '/api/2.0/mlflow/experiments/get?experiment_id=1';

/** Signs `account` in through the gateway's login routes as a browser would; returns the session's Cookie header. */
async function browserSession(
  gateway: string,
  signIn: (url: string, credentials: { username: string; password: string }) => Promise<string>,
  account: { username: string; password: string },
): Promise<string> {
  const browser = new CookieJar();
  const start = await browser.get(`${gateway}/_mlgate/login/oidc?rd=%2F`);
  const done = await browser.get(await signIn(start.headers.get('location') as string, account));
  if (done.status !== 302 || !browser.cookies.has('mlgate_session')) {
    throw new Error(`browser sign-in failed: ${done.status} ${await done.text()}`);
  }
  return browser.header('mlgate_session');
}

async function main(): Promise<void> {
  const dir = join(ROOT, '.run', 'bench-credentials');
  rmSync(dir, { recursive: true, force: true });
  const upstream = await instantUpstream();
  const services: Service[] = [];
  const port = await freePort();
  const gatewayUrl = `http://127.0.0.1:${port}`;
  const provider = await startOidcProvider({
    redirectUris: [`${gatewayUrl}/callback`],
    accessTokenTtlSeconds: 3600,
  });
  try {
    const ferret = await startFerretDB(dir);
    services.push(ferret);
    const env = {
      MONGODB_URI: ferret.uri,
      MLGATE_UPSTREAM_URL: upstream.url,
      MLGATE_LOGGING_LEVEL: 'warn',
      SECRET_KEY: newSecretKey(),
      OIDC_DISCOVERY_URL: provider.discoveryUrl,
      OIDC_CLIENT_ID: provider.clients.web.clientId,
      OIDC_CLIENT_SECRET: provider.clients.web.clientSecret,
      MLGATE_JWT_ENABLED: 'true',
      OIDC_AUDIENCE: provider.audience,
    };
    const gateway = await startMlgate(dir, { ...env, MLGATE_SERVER_PORT: String(port) });
    services.push(gateway);
    const bob = DEFAULT_ACCOUNTS.find((a) => a.username === 'bob');
    if (bob === undefined) {
      throw new Error('the fixture has no bob');
    }
    const cookie = await browserSession(gateway.url, (url, account) => provider.signIn(url, account), bob); // creates the user at first sign-in
    const cli = async (args: string[]): Promise<string> => (await runCli(args, env)).stdout.trim();
    const username = bob.email.toLowerCase();
    await cli(['grant', '--experiment', '1', '--user', username, '--permission', 'READ']);
    const token = await cli(['token', 'create', username, '--name', 'bench']);
    const { accessToken } = await provider.userTokens('bob');

    const credentials: [string, Record<string, string>][] = [
      ['Basic access token', { authorization: 'Basic ' + Buffer.from(`${username}:${token}`).toString('base64') }],
      ['session cookie', { cookie }],
      ['JWT bearer', { authorization: `Bearer ${accessToken}` }],
    ];
    const seconds = (l: number[]): number => l.reduce((a, b) => a + b, 0) / 1000;
    const directLatencies = await sequential(upstream.url, PATH, {});
    const direct = summarize(directLatencies, seconds(directLatencies));
    const rows: string[][] = [['direct (no gateway)', fixed(direct.p50, 3), fixed(direct.p99, 3), '-', '-']];
    for (const [name, headers] of credentials) {
      const latencies = await sequential(gateway.url, PATH, headers);
      const through = summarize(latencies, seconds(latencies));
      rows.push([
        `mlgate, ${name}`,
        fixed(through.p50, 3),
        fixed(through.p99, 3),
        fixed(through.p50 - direct.p50, 3),
        fixed(through.rps, 0),
      ]);
    }
    console.log(
      `Cost of each credential: GetExperiment against an instant upstream (${REQUESTS} sequential requests on one ` +
        'keep-alive connection; cache.ttl_ms 5000, so credentials are re-read from MongoDB every 5 s)\n',
    );
    console.log(table(['path', 'p50 ms', 'p99 ms', 'added p50 ms', 'rps (1 conn)'], rows));
  } finally {
    for (const service of services.reverse()) await service.stop();
    await provider.stop();
    upstream.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
