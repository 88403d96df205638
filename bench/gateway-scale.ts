/**
 * The gateway process at scale (issue 10, item 4): 10,000 users in 1,000 groups, 100,000 grants and 1,000 regex
 * rules in FerretDB, and two real `mlgate serve` replicas in front of an upstream that answers GetExperiment with
 * each experiment's name. Prints
 *   - start-up time to ready (the policy built with every rule in its data);
 *   - resident memory after start-up and after requests from many users (grant and name caches filled);
 *   - how long a grant written on one side (the CLI's store, as `mlgate grant` writes it) takes to change the answer
 *     of the second replica, and a revocation likewise.
 * The whole-decision latency at this scale is bench/decision-scale.ts's. Targets: RSS ≤ 200 MiB, grant change on
 * the second replica ≤ 2 s. Run with `make bench` or `node dist/bench/gateway-scale.js`; BENCH_SCALE_* scale it, and
 * BENCH_MONGODB_URI points it at a scratch MongoDB instead of FerretDB (its `mlgate` database is filled).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { MongoClient } from 'mongodb';

import { createTokenService } from '../src/auth/token-service.js';
import { tokenSettings } from '../src/auth/token-settings.js';
import { createTokenHasher, deriveTokenKey } from '../src/auth/tokens.js';
import { loadConfig } from '../src/config/load.js';
import { collectionsOf } from '../src/store/mongo/collections.js';
import { openMongoStore } from '../src/store/mongo/store.js';
import { ROOT, type Service, newSecretKey, startFerretDB, startMlgate } from '../scripts/services.js';
import { rssBytes } from './compare/proc.js';
import { type ScaleData, envNumber, generateScaleData, loadScaleData, scaleFromEnv } from './scale-data.js';
import { fixed, summarize, table } from './stats.js';

const env = envNumber;
const SCALE = scaleFromEnv();
/**
 * Callers whose requests fill the caches, each on up to EXPERIMENTS_PER_CALLER experiments it holds a grant on. A
 * caller's first request on an experiment reads its grants from the store: on FerretDB/SQLite with 100,000 grants
 * that is a scan of seconds (docs/operations.md), hence few by default.
 */
const CALLERS = env('BENCH_SCALE_CALLERS', 10);
const EXPERIMENTS_PER_CALLER = env('BENCH_SCALE_CALLER_EXPERIMENTS', 3);
/** Requests per caller after the cold ones. */
const REQUESTS_PER_CALLER = env('BENCH_SCALE_REQUESTS', 300);
const PROPAGATION_ROUNDS = env('BENCH_SCALE_ROUNDS', 3);
/** A MongoDB to use instead of starting FerretDB (e.g. a real MongoDB, where grant look-ups use the index). */
const MONGODB_URI = process.env['BENCH_MONGODB_URI'];
const CACHE_TTL_MS = env('BENCH_SCALE_CACHE_TTL_MS', 600_000);
const MIB = 1024 * 1024;

/** Answers GetExperiment with the experiment's id and name (regex rules match names), anything else with {}. */
async function namedUpstream(data: ScaleData): Promise<{ url: string; close(): void }> {
  const names = new Map(data.experiments.map((e) => [e.id, e.name]));
  const server = http.createServer((req, res) => {
    req.resume();
    const id = new URL(req.url ?? '/', 'http://x').searchParams.get('experiment_id') ?? '';
    const name = names.get(id);
    res.setHeader('content-type', 'application/json');
    res.end(name === undefined ? '{}' : JSON.stringify({ experiment: { experiment_id: id, name } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

async function status(base: string, experimentId: string, authorization: string): Promise<number> {
  const response = await fetch(`${base}/api/2.0/mlflow/experiments/get?experiment_id=${experimentId}`, {
    headers: { authorization },
  });
  await response.arrayBuffer();
  return response.status;
}

/** Milliseconds until `base` answers `expected` (polled every 10 ms; fails after 30 s). */
async function untilStatus(base: string, experimentId: string, authorization: string, expected: number) {
  const started = performance.now();
  while ((await status(base, experimentId, authorization)) !== expected) {
    if (performance.now() - started > 30_000) throw new Error(`no ${expected} from ${base} within 30 s`);
    await sleep(10);
  }
  return performance.now() - started;
}

/** Milliseconds until `base`'s readiness reports permission data `version`. */
async function untilVersion(base: string, version: string): Promise<number> {
  const started = performance.now();
  for (;;) {
    const ready = (await (await fetch(`${base}/_mlgate/health/ready`)).json()) as {
      checks?: { permission_data?: { version?: string } };
    };
    if (ready.checks?.permission_data?.version === version) return performance.now() - started;
    if (performance.now() - started > 30_000) throw new Error(`${base} did not load version ${version} in 30 s`);
    await sleep(10);
  }
}

async function main(): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  const dir = join(ROOT, '.run', 'bench-gateway-scale');
  rmSync(dir, { recursive: true, force: true });
  const services: Service[] = [];
  let uri = MONGODB_URI;
  if (uri === undefined) {
    const ferret = await startFerretDB(dir);
    services.push(ferret);
    uri = ferret.uri;
  }
  const client = new MongoClient(uri);
  const data = generateScaleData(SCALE);
  const upstream = await namedUpstream(data);
  try {
    const secret = newSecretKey();
    const gatewayEnv = {
      MONGODB_URI: uri,
      MLGATE_UPSTREAM_URL: upstream.url,
      SECRET_KEY: secret,
      // Defaults but one: grants stay cached 10 minutes instead of 5 s. Changes reach the caches through the
      // permission version either way (polled every 500 ms); at 5 s, on FerretDB/SQLite, every look-up expires
      // before its scan of the grants is done.
      MLGATE_CACHE_TTL_MS: String(CACHE_TTL_MS),
    };
    const { config } = loadConfig({ env: gatewayEnv });
    const store = await openMongoStore({ uri, database: config.mongodb.database, timeoutMs: 10_000 });
    await client.connect();
    await loadScaleData(collectionsOf(client.db(config.mongodb.database)), data, 5_000);
    await store.permissionVersion.bump();
    const tokens = createTokenService({
      tokens: store.tokens,
      users: store.users,
      hasher: createTokenHasher(deriveTokenKey(secret)),
      settings: tokenSettings(config),
    });
    const callers = await Promise.all(
      data.users.slice(0, CALLERS).map(async (user) => {
        const { token } = await tokens.create(user.username, { name: 'bench' });
        return {
          user,
          authorization: 'Basic ' + Buffer.from(`${user.username}:${token}`).toString('base64'),
          granted: data.granted(user),
        };
      }),
    );

    const startedA = performance.now();
    const first = await startMlgate(join(dir, 'a'), gatewayEnv);
    const startupMs = performance.now() - startedA;
    services.push(first);
    const second = await startMlgate(join(dir, 'b'), gatewayEnv);
    services.push(second);
    const rssReady = rssBytes([first.process.pid!]);

    // Many callers, each on experiments it holds a grant on: the first request of each reads FerretDB.
    const latencies: number[] = [];
    const drive = Date.now();
    for (const caller of callers) {
      const ids = caller.granted.length > 0 ? caller.granted.slice(0, EXPERIMENTS_PER_CALLER) : ['0'];
      for (const id of ids) await status(first.url, id, caller.authorization); // cold
      for (let i = 0; i < REQUESTS_PER_CALLER; i++) {
        const started = performance.now();
        await status(first.url, ids[i % ids.length]!, caller.authorization);
        latencies.push(performance.now() - started);
      }
    }
    const driveSeconds = (Date.now() - drive) / 1000;
    const rssLoaded = rssBytes([first.process.pid!]);
    const warm = summarize(latencies, driveSeconds);

    // A grant written as the CLI writes it, seen by the second replica (which answered the caller 403 before).
    const grantMs: number[] = [];
    const versionMs: number[] = [];
    const revokeMs: number[] = [];
    for (let round = 0; round < PROPAGATION_ROUNDS; round++) {
      const caller = callers[round % callers.length]!;
      const held = new Set(caller.granted);
      const target = data.experiments.find((e) => !held.has(e.id))!;
      if ((await status(second.url, target.id, caller.authorization)) !== 403) {
        continue; // a regex rule of the caller's allows it already: not a grant's effect
      }
      await store.grants.put({
        resourceType: 'experiment',
        resourceId: target.id,
        principalType: 'user',
        principal: caller.user.username,
        permission: 'READ',
        createdBy: 'bench',
      });
      const written = performance.now();
      versionMs.push(await untilVersion(second.url, (await store.permissionVersion.read()).any));
      await untilStatus(second.url, target.id, caller.authorization, 200);
      grantMs.push(performance.now() - written);
      await store.grants.remove('experiment', target.id, 'user', caller.user.username);
      revokeMs.push(await untilStatus(second.url, target.id, caller.authorization, 403));
    }
    await store.close();

    console.log(
      `mlgate at scale: ${SCALE.users} users, ${SCALE.groups} groups, ${SCALE.experiments} experiments, ` +
        `${SCALE.grants} grants, ${SCALE.rules} regex rules in ${MONGODB_URI === undefined ? 'FerretDB' : 'MongoDB'}; ` +
        `two replicas, default settings but cache.ttl_ms=${CACHE_TTL_MS}\n`,
    );
    const ms = (values: number[]): [string, string] => {
      const s = summarize(values, 1);
      return [fixed(s.p50, 0), fixed(Math.max(...values), 0)];
    };
    console.log(
      table(
        ['measure', 'value', 'max'],
        [
          ['start-up to ready (first replica), ms', fixed(startupMs, 0), ''],
          ['RSS when ready, MiB (target ≤ 200)', fixed(rssReady / MIB, 1), ''],
          [
            `RSS after ${latencies.length} requests of ${callers.length} callers, MiB (target ≤ 200)`,
            fixed(rssLoaded / MIB, 1),
            '',
          ],
          [`warm request through the replica p50 / p99, ms`, `${fixed(warm.p50, 2)} / ${fixed(warm.p99, 2)}`, ''],
          ['grant: second replica has the new permission version, p50 ms', ...ms(versionMs)],
          [`grant: second replica allows, p50 ms (target ≤ 2000; includes its grant look-up)`, ...ms(grantMs)],
          [`revocation reaches the second replica p50, ms`, ...ms(revokeMs)],
        ],
      ),
    );
  } finally {
    await client.close();
    for (const service of services.reverse()) await service.stop();
    upstream.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
