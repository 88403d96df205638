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

  it('classifies every route MLflow serves: none is left to the administrators-only fallback', () => {
    const unclassified = report.rows.filter((row) => row.operation === null);
    expect(unclassified.map((row) => `${row.method} ${row.path} [${row.framework}]`)).to.deep.equal([]);
  });
});
