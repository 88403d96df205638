/**
 * Route coverage: every route the installed MLflow serves (its Flask url map and the FastAPI routers that wrap
 * it), with the catalogue's classification, and catalogue rows MLflow does not serve (drift, both ways).
 * `make routes` prints the report; the integration tests assert on the same data.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import type { RouteSpec } from '../src/mlflow/route-spec.js';
import { ROUTES } from '../src/mlflow/routes.js';
import { ROOT, VENV } from './services.js';

export interface ServedRoute {
  readonly framework: 'flask' | 'fastapi';
  readonly method: string;
  readonly path: string;
  readonly endpoint: string;
}

export interface CoverageRow extends ServedRoute {
  /** The catalogued operation, or null when the route is unclassified (administrators only). */
  readonly operation: string | null;
}

export interface Coverage {
  readonly rows: readonly CoverageRow[];
  /** Catalogue rows (method and path) that the installed MLflow does not serve. */
  readonly notServed: readonly string[];
}

/** The routes of the installed MLflow (scripts/mlflow-routes.py in the project venv). */
export function servedRoutes(): ServedRoute[] {
  const output = execFileSync(join(VENV, 'python'), [join(ROOT, 'scripts', 'mlflow-routes.py')], {
    env: { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return output
    .toString()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as ServedRoute)
    .filter((route) => route.method !== 'WEBSOCKET');
}

/** The served routes against a catalogue (the gateway's, unless another is given: the tests remove an entry). */
export function coverage(served: readonly ServedRoute[], routes: readonly RouteSpec[] = ROUTES): Coverage {
  const catalogued = new Map<string, string>();
  for (const route of routes) {
    for (const prefix of route.prefixes) {
      catalogued.set(`${route.method} ${prefix}${route.path}`, route.operation);
    }
  }
  const seen = new Set<string>();
  const rows = served.map((route) => {
    const key = `${route.method} ${route.path}`;
    seen.add(key);
    return { ...route, operation: catalogued.get(key) ?? null };
  });
  const notServed = [...catalogued.keys()].filter((key) => !seen.has(key)).sort();
  return { rows, notServed };
}

function main(): void {
  const report = coverage(servedRoutes());
  const sorted = [...report.rows].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  for (const row of sorted) {
    console.log(
      `${(row.operation ?? 'UNCLASSIFIED (admins only)').padEnd(34)} ${row.method.padEnd(6)} ${row.path}  [${row.framework}]`,
    );
  }
  const unclassified = report.rows.filter((row) => row.operation === null).length;
  console.log('');
  console.log(
    `${report.rows.length} routes served by MLflow: ${report.rows.length - unclassified} classified, ` +
      `${unclassified} unclassified (administrators only).`,
  );
  if (report.notServed.length > 0) {
    console.log(`Catalogue rows MLflow does not serve: ${report.notServed.join(', ')}`);
    process.exitCode = 1;
  }
  if (unclassified > 0) {
    // Drift: the installed MLflow serves a route the catalogue does not know.
    process.exitCode = 1;
  }
}

if (process.argv[1]?.endsWith('route-coverage.js') === true) {
  main();
}
