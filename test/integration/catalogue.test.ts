/** The catalogue against the installed MLflow: drift in both directions, and the coverage report. */
import { expect } from 'chai';

import { type Coverage, type ServedRoute, coverage, servedRoutes } from '../../scripts/route-coverage.js';
import { route } from '../../src/mlflow/route-spec.js';
import { ROUTES } from '../../src/mlflow/routes.js';

describe('route catalogue against the installed MLflow', () => {
  let report: Coverage;
  let served: ServedRoute[];

  before(function () {
    this.timeout(60_000);
    served = servedRoutes();
    report = coverage(served);
    expect(report.rows.length, 'Flask and FastAPI routes').to.be.greaterThan(400);
    expect(report.rows.some((row) => row.framework === 'fastapi')).to.equal(true);
  });

  it('lists only method and path pairs that MLflow serves', () => {
    expect(report.notServed).to.deep.equal([]);
  });

  it('notices a catalogue entry removed, and one MLflow does not serve (the drift checks can fail)', () => {
    const removed = ROUTES.find((r) => r.operation === 'GetRun');
    expect(removed).to.not.equal(undefined);
    const without = coverage(
      served,
      ROUTES.filter((r) => r !== removed),
    );
    expect(without.rows.filter((row) => row.operation === null).map((row) => `${row.method} ${row.path}`)).to.include(
      'GET /api/2.0/mlflow/runs/get',
    );
    const invented = coverage(served, [...ROUTES, route('GetRun', 'GET', '/mlflow/runs/get-v2', ['/api/2.0'], [])]);
    expect(invented.notServed).to.deep.equal(['GET /api/2.0/mlflow/runs/get-v2']);
  });

  it('classifies every route of the families already covered', () => {
    const families = [
      /^\/(api|ajax-api)\/2\.0\/mlflow\/(experiments|runs)\//,
      /^\/health$/,
      /^\/version$/,
      // Traces, evaluation datasets, metrics (h/tracking).
      /^\/(api|ajax-api)\/[23]\.0\/mlflow\/(traces|datasets|metrics)(\/|$)/,
      /^\/ajax-api\/[23]\.0\/mlflow\/get-trace-artifact$/,
      /^\/v1\/traces$/,
      // Logged models and artifacts (h/artifacts).
      /^\/(api|ajax-api)\/2\.0\/mlflow\/logged-models(\/|$)/,
      /^\/(api|ajax-api)\/2\.0\/mlflow\/artifacts\//,
      /^\/(api|ajax-api)\/2\.0\/mlflow-artifacts\//,
      /^\/get-artifact$/,
      /^\/ajax-api\/2\.0\/mlflow\/upload-artifact$/,
      // Web UI and GraphQL (h/ui).
      /^\/$/,
      /^\/static-files\//,
      /^\/build\//,
      /^\/graphql$/,
      /^\/ajax-api\/3\.0\/mlflow\/(ui-telemetry|server-info)$/,
      /^\/ajax-api\/2\.0\/mlflow\/gateway-proxy$/,
      // AI gateway, webhooks, MCP servers, assistant, workspaces (h/gateway).
      /^\/(api|ajax-api)\/3\.0\/mlflow\/(gateway|mcp-servers|workspaces)(\/|$)/,
      /^\/(api|ajax-api)\/2\.0\/mlflow\/webhooks(\/|$)/,
      /^\/ajax-api\/3\.0\/mlflow\/assistant\//,
      /^\/gateway\//,
    ];
    const open = report.rows.filter((row) => row.operation === null && families.some((f) => f.test(row.path)));
    expect(open.map((row) => `${row.method} ${row.path}`)).to.deep.equal([]);
  });

  it('reports how many routes are still unclassified (administrators only)', () => {
    const unclassified = report.rows.filter((row) => row.operation === null);
    console.log(
      `      coverage: ${report.rows.length - unclassified.length} of ${report.rows.length} routes classified, ` +
        `${unclassified.length} unclassified`,
    );
    expect(unclassified.length).to.be.lessThan(report.rows.length);
  });
});
