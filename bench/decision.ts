/**
 * The policy decision's own latency: the shipped bundle in opa-wasm, for the
 * decisions a request makes (allow through a grant, deny, admin) and for
 * filtering a page of 100 search results. Run with `make bench`.
 */
import type { Principal } from '../src/auth/principal.js';
import { defaultBundlePath } from '../src/paths.js';
import { readBundle } from '../src/policy/bundle.js';
import { createDecisionEngine } from '../src/policy/engine.js';
import { type PolicyInput, type ResolvedTarget, buildPolicyInput, grantsKey } from '../src/policy/input.js';
import type { ResourceGrants } from '../src/store/types.js';
import { fixed, summarize, table } from './stats.js';

const ITERATIONS = Number(process.env['BENCH_ITERATIONS'] ?? 20_000);

const user: Principal = {
  authenticated: true,
  username: 'alice',
  isAdmin: false,
  groups: ['team-a', 'team-b', 'team-c'],
  method: 'basic',
};
const admin: Principal = { ...user, username: 'root', isAdmin: true };

function input(
  principal: Principal,
  operation: string,
  targets: ResolvedTarget[],
  grants: Map<string, ResourceGrants>,
): PolicyInput {
  return buildPolicyInput({
    principal,
    operation,
    targets,
    grants,
    method: 'POST',
    path: '/api/2.0/mlflow/runs/log-metric',
    now: new Date(),
  });
}

const run: ResolvedTarget = { type: 'experiment', id: '1', via: 'run', ref: 'r', exists: true };
const rows: ResolvedTarget[] = Array.from({ length: 100 }, (_, i) => ({
  type: 'experiment',
  id: String(i),
  via: 'experiment',
  ref: String(i),
  exists: true,
}));
const rowGrants = new Map<string, ResourceGrants>(
  rows.map((r, i): [string, ResourceGrants] => [
    grantsKey(r.type, r.id),
    { user: i % 3 === 0 ? 'READ' : null, groups: i % 5 === 0 ? { 'team-b': 'EDIT' } : {} },
  ]),
);

async function main(): Promise<void> {
  const engine = createDecisionEngine();
  await engine.load(await readBundle(defaultBundlePath()), {
    config: { default_permission: 'NO_PERMISSIONS', admin_groups: ['mlflow-admin'] },
  });
  const cases: [string, () => unknown][] = [
    [
      'LogMetric allowed (user grant)',
      () => engine.decide(input(user, 'LogMetric', [run], new Map([['1', { user: 'EDIT', groups: {} }]]))),
    ],
    [
      'LogMetric allowed (group grant)',
      () =>
        engine.decide(input(user, 'LogMetric', [run], new Map([['1', { user: null, groups: { 'team-c': 'EDIT' } }]]))),
    ],
    [
      'LogMetric denied (READ only)',
      () => engine.decide(input(user, 'LogMetric', [run], new Map([['1', { user: 'READ', groups: {} }]]))),
    ],
    ['GetExperiment by an administrator', () => engine.decide(input(admin, 'GetExperiment', [run], new Map()))],
    ['unknown route, non-admin', () => engine.decide(input(user, 'Nope', [], new Map()))],
    ['visible: filter 100 search rows', () => engine.visible(input(user, 'SearchExperiments', rows, rowGrants))],
  ];
  const results: string[][] = [];
  for (const [name, fn] of cases) {
    for (let i = 0; i < 2_000; i++) fn();
    const latencies: number[] = [];
    const started = process.hrtime.bigint();
    for (let i = 0; i < ITERATIONS; i++) {
      const t0 = process.hrtime.bigint();
      fn();
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e3);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const s = summarize(latencies, seconds);
    results.push([name, fixed(s.p50, 1), fixed(s.p99, 1), fixed(s.mean, 1), fixed(s.rps, 0)]);
  }
  console.log(
    `Policy decision latency (opa-wasm, shipped bundle ${engine.status().revision}, ${ITERATIONS} iterations each)\n`,
  );
  console.log(table(['case', 'p50 µs', 'p99 µs', 'mean µs', 'decisions/s'], results));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
