/**
 * What one reload of the rules costs, part by part, for bench/decision-scale.ts: reading them (all, or the one part a
 * change touched, as live data does after its first read), checking their
 * patterns, building the data, loading it into the engine (sliced, or the SDK's setData with BENCH_SDK_SET_DATA=1),
 * and, to compare, the SDK's one synchronous setData.
 */
import { createRequire } from 'node:module';

import { loadPolicy } from '@open-policy-agent/opa-wasm';

import { defaultBundlePath } from '../src/paths.js';
import { readBundle } from '../src/policy/bundle.js';
import { rulesData } from '../src/policy/data.js';
import { createDecisionEngine } from '../src/policy/engine.js';
import type { Store } from '../src/store/types.js';
import { DATA_LOAD, SDK_SET_DATA } from './decision-common.js';
import { fixed, summarize } from './stats.js';

/** The SDK's synchronous loader, which only its CommonJS entry exports: the upper bound of instantiating's sync work. */
const { loadPolicySync } = createRequire(import.meta.url)('@open-policy-agent/opa-wasm') as {
  loadPolicySync: (module: WebAssembly.Module) => unknown;
};

/** What one reload of the rules costs, part by part (ms; median and max of 5). */
export async function reloadCost(
  store: Store,
  isValidPattern: (p: string) => boolean,
  base: object,
): Promise<string[][]> {
  const bundle = await readBundle(defaultBundlePath());
  const engine = createDecisionEngine({ dataLoad: DATA_LOAD });
  await engine.load(bundle, base);
  const module = await WebAssembly.compile(bundle.wasm);
  const parts = new Map<string, number[]>();
  const record = (name: string, ms: number): void => {
    (parts.get(name) ?? parts.set(name, []).get(name))?.push(ms);
  };
  const time = async <T>(name: string, fn: () => T | Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const result = await fn();
    record(name, performance.now() - t0);
    return result;
  };
  let bytes = 0;
  let pieces = 0;
  for (let i = 0; i < 5; i++) {
    const rules = await time('read all the rules from FerretDB (async; a first or full read)', () =>
      store.regexRules.listForPolicy(),
    );
    const [one] = rules;
    if (one !== undefined) {
      await time("read one changed part: a principal's rules (async; a reload after one change)", async () => {
        await store.permissionVersion.readParts();
        return store.regexRules.listForPrincipals([one]);
      });
    }
    const validity = await time(
      'check all patterns (wasm; live data: new patterns only, a slice at a time)',
      () => new Map(rules.map((r) => [r.pattern, isValidPattern(r.pattern)])),
    );
    const data = await time('rulesData (sync)', () => rulesData(rules, (p) => validity.get(p) === true));
    const full = { ...bundle.data, ...base, ...data };
    bytes = JSON.stringify(full).length;
    const report = await time(`engine.setData: all of it (${SDK_SET_DATA ? "the SDK's setData" : 'sliced'})`, () =>
      engine.setData({ ...base, ...data }),
    );
    record('  of which its longest synchronous slice, by the clock', report.longestMs);
    record('  of which its longest synchronous slice, its own work (min of clock and CPU time)', report.longestWorkMs);
    record('  and how many slices', report.slices);
    pieces = report.pieces;
    await time('  new instance: loadPolicySync (the sync upper bound of instantiating)', () => loadPolicySync(module));
    const policy = await loadPolicy(module);
    await time("before: the SDK's policy.setData, all in one synchronous call", () => policy.setData(full));
  }
  const rows = [...parts.entries()].map(([name, values]) => {
    const s = summarize(values, 1);
    return [name, fixed(s.p50, 2), fixed(Math.max(...values), 2)];
  });
  rows.push([`(data document: ${(bytes / 1024).toFixed(0)} KiB of JSON, loaded in ${pieces} pieces)`, '', '']);
  return rows;
}
