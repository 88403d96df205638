/**
 * Pages of the permission listings at the issue's scale (100,000 grants, BENCH_SCALE_GRANTS) in a real FerretDB:
 * what one page costs next to the whole listing the API answered before pages (grants.list()), in time and in
 * answer size, and what FerretDB passes down to its backend for each query (its explain: filter, sort and limit
 * pushdown; MongoDB answers the same queries from the indexes resource_key, principal_key and _id). Times depend on
 * how busy the machine is; sizes and pushdown do not. Run with `node dist/bench/list-pages.js`.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { MongoClient } from 'mongodb';

import { collectionsOf } from '../src/store/mongo/collections.js';
import { openMongoStore } from '../src/store/mongo/store.js';
import { grantKey } from '../src/store/pages.js';
import type { GrantFilter, GrantId, GrantRecord, Page } from '../src/store/types.js';
import { grantJson } from '../src/permissions/records.js';
import { ROOT, startFerretDB } from '../scripts/services.js';
import { envNumber, generateScaleData, loadScaleData, scaleFromEnv } from './scale-data.js';
import { fixed, table } from './stats.js';

const RUNS = envNumber('BENCH_RUNS', 3);

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number[] }> {
  const ms: number[] = [];
  let value: T | undefined;
  for (let i = 0; i < RUNS; i += 1) {
    const started = process.hrtime.bigint();
    value = await fn();
    ms.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { value: value as T, ms: ms.sort((a, b) => a - b) };
}

const jsonBytes = (grants: readonly GrantRecord[]): number =>
  Buffer.byteLength(JSON.stringify({ grants: grants.map(grantJson) }));

async function main(): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  const dir = join(ROOT, '.run', 'bench-list-pages');
  rmSync(dir, { recursive: true, force: true });
  const ferret = await startFerretDB(dir);
  const client = new MongoClient(ferret.uri);
  try {
    const store = await openMongoStore({ uri: ferret.uri, database: 'mlgate', timeoutMs: 60_000 });
    const data = generateScaleData({ ...scaleFromEnv(), rules: 0 });
    await client.connect();
    const db = client.db('mlgate');
    const loaded = await loadScaleData(collectionsOf(db), data, 5_000);
    console.log(
      `loaded: ${loaded.map((l) => `${l.documents} ${l.collection} in ${fixed(l.seconds, 1)} s`).join(', ')}`,
    );

    const sample = data.grants[Math.floor(data.grants.length / 2)];
    if (sample === undefined) throw new Error('no grants');
    const middle: GrantId = sample;
    const resource: GrantFilter = { resource: { type: 'experiment', id: sample.resourceId } };
    const principal: GrantFilter = { principal: { type: sample.principalType, name: sample.principal } };
    const page = (filter: GrantFilter, after: GrantId | null, limit: number) => () =>
      store.grants.page(filter, { after, limit });
    const cases: [string, () => Promise<GrantRecord[] | Page<GrantRecord, GrantId>>][] = [
      ['whole listing, grants.list() (the API before pages)', () => store.grants.list()],
      ['first page of every grant, 1,000 (the default)', page({}, null, 1000)],
      ['a page of 1,000 from the middle', page({}, middle, 1000)],
      ['first page of 10,000 (the largest)', page({}, null, 10_000)],
      ["one experiment's grants, first page of 1,000", page(resource, null, 1000)],
      ["one principal's grants, first page of 1,000", page(principal, null, 1000)],
    ];
    const rows: string[][] = [];
    for (const [name, run] of cases) {
      const { value, ms } = await timed(run);
      const items = Array.isArray(value) ? value : value.items;
      rows.push([
        name,
        String(items.length),
        fixed(jsonBytes(items) / 1024, 0),
        ms.map((m) => fixed(m, 0)).join(' / '),
      ]);
    }
    console.log(table(['case', 'grants', 'answer KiB', `ms (${RUNS} runs, sorted)`], rows));

    // Every page of every grant at the largest page size: what a client that wants them all pays.
    const started = process.hrtime.bigint();
    let after: GrantId | null = null;
    let pages = 0;
    let total = 0;
    do {
      const next: Page<GrantRecord, GrantId> = await store.grants.page({}, { after, limit: 10_000 });
      pages += 1;
      total += next.items.length;
      after = next.next;
    } while (after !== null);
    const walk = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`every grant in pages of 10,000: ${pages} pages, ${total} grants, ${fixed(walk, 1)} s`);

    // What FerretDB passes down to its backend (SQLite here) for the queries grants.page sends.
    const after_ = grantKey(middle.resourceType, middle.resourceId, middle.principalType, middle.principal);
    const queries: [string, Record<string, unknown>][] = [
      ['every grant, after a key', { _id: { $gt: after_ } }],
      ['one resource', { resourceType: 'experiment', resourceId: sample.resourceId }],
      ['one principal', { principalType: sample.principalType, principal: sample.principal }],
      ['a resource and a principal (one grant)', { _id: after_ }],
    ];
    const plans: string[][] = [];
    for (const [name, filter] of queries) {
      const plan = await db.command({
        explain: { find: 'grants', filter, sort: { _id: 1 }, limit: 1001 },
        verbosity: 'queryPlanner',
      });
      plans.push([name, String(plan['filterPushdown']), String(plan['sortPushdown']), String(plan['limitPushdown'])]);
    }
    console.log(table(['FerretDB explain (sort _id, limit 1001)', 'filter', 'sort', 'limit'], plans));
    await store.close();
  } finally {
    await client.close();
    await ferret.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
