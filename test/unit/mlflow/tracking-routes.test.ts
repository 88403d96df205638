/**
 * Traces, evaluation datasets and bulk metric histories, table-driven: a request (method, path, where its
 * parameters are) -> the resources it names -> the permission the shipped policy requires on each of them.
 */
import { expect } from 'chai';

import type { Principal } from '../../../src/auth/principal.js';
import { MlgateError } from '../../../src/errors.js';
import { type Reference, extractReferences } from '../../../src/mlflow/references.js';
import { ROUTES } from '../../../src/mlflow/routes.js';
import { defaultBundlePath } from '../../../src/paths.js';
import { readBundle } from '../../../src/policy/bundle.js';
import { type DecisionEngine, createDecisionEngine } from '../../../src/policy/engine.js';
import { buildPolicyInput, grantsKey } from '../../../src/policy/input.js';
import type { PermissionLevel } from '../../../src/config/schema.js';
import { type Request, TRACKING_ROWS as ROWS, ref, traceLocation } from '../../tables/tracking-rows.js';
import { matched, references } from '../../tables/route-request.js';

const LEVELS: readonly PermissionLevel[] = ['READ', 'USE', 'EDIT', 'MANAGE'];
const user: Principal = { authenticated: true, username: 'u', isAdmin: false, groups: [], method: 'basic' };

/** The lowest grant, held on every experiment the references lead to, that the shipped policy allows. */
function requiredLevel(engine: DecisionEngine, operation: string, refs: readonly Reference[]): string | null {
  const targets = refs.map((r) => ({
    type: 'experiment' as const,
    id: `e-${r.value}`,
    via: r.kind,
    ref: r.value,
    exists: true,
  }));
  for (const level of LEVELS) {
    const grants = new Map(targets.map((t) => [grantsKey(t.type, t.id), { user: level, groups: {} }]));
    const decision = engine.decide(
      buildPolicyInput({ principal: user, operation, targets, grants, method: 'GET', path: '/', now: new Date() }),
    );
    if (decision.allow) {
      return level;
    }
  }
  return null;
}

describe('traces, datasets and bulk metrics: request -> references -> permission', () => {
  let engine: DecisionEngine;

  before(async () => {
    engine = createDecisionEngine();
    await engine.load(await readBundle(defaultBundlePath()), {
      config: { default_permission: 'NO_PERMISSIONS', admin_groups: [] },
    });
  });

  for (const row of ROWS) {
    const { method, path } = row.request;
    it(`${method} ${path}${row.request.query === undefined ? '' : '?' + row.request.query} -> ${row.operation}`, () => {
      expect(matched(row.request).route.operation).to.equal(row.operation);
      const refs = references(row.request);
      expect(refs).to.deep.equal(row.references);
      expect(requiredLevel(engine, row.operation, refs)).to.equal(row.permission);
    });
  }

  it('refuses the empty lists that would search everything or create an unlinked dataset', () => {
    for (const operation of ['SearchTraces', 'SearchTracesV3', 'CreateDataset', 'GetMetricHistoryBulk']) {
      expect(requiredLevel(engine, operation, []), operation).to.equal(null);
    }
  });

  it('lets SearchEvaluationDatasets name no experiment: a search of them all, filtered row by row', () => {
    expect(requiredLevel(engine, 'SearchEvaluationDatasets', [])).to.equal('READ');
  });
});

describe('traces, datasets and bulk metrics: refused requests', () => {
  const refused = (request: Request, message: RegExp): void => {
    expect(() => references(request)).to.throw(MlgateError, message);
  };

  it('refuses StartTraceV3 without an experiment location', () => {
    refused(
      { method: 'POST', path: '/api/3.0/mlflow/traces', body: { trace: { trace_info: { trace_id: 'tr-1' } } } },
      /Missing required parameter "trace.trace_info.trace_location.mlflow_experiment.experiment_id"/,
    );
    refused({ method: 'POST', path: '/api/3.0/mlflow/traces', body: {} }, /Missing required parameter/);
  });

  it('refuses nested messages that are not objects, and both spellings at once', () => {
    refused({ method: 'POST', path: '/api/3.0/mlflow/traces', body: { trace: 'x' } }, /"trace" must be an object/);
    refused(
      {
        method: 'POST',
        path: '/api/3.0/mlflow/traces',
        body: { trace: { trace_info: {}, traceInfo: { trace_location: traceLocation('1') } } },
      },
      /both "trace_info" and "traceInfo"/,
    );
    refused(
      { method: 'POST', path: '/api/3.0/mlflow/traces/search', body: { locations: [{ mlflow_experiment: 'x' }] } },
      /"mlflow_experiment" must be an object/,
    );
  });

  it('refuses a repeated, a missing or a non-canonical experiment header on OTLP ingest', () => {
    refused(
      { method: 'POST', path: '/v1/traces', headers: { 'x-mlflow-experiment-id': ['1', '2'] }, otlp: [] },
      /repeats the x-mlflow-experiment-id header/,
    );
    refused(
      { method: 'POST', path: '/v1/traces', headers: {}, otlp: [] },
      /Missing required parameter "x-mlflow-experiment-id"/,
    );
    refused(
      { method: 'POST', path: '/v1/traces', headers: { 'x-mlflow-experiment-id': ['01'] }, otlp: [] },
      /canonical/,
    );
  });

  it('refuses trace ids MLflow could not be asked about (a slash, dot segments)', () => {
    refused(
      { method: 'POST', path: '/api/3.0/mlflow/traces/batchGetInfos', body: { trace_ids: ['a/b'] } },
      /not a trace id/,
    );
    refused(
      { method: 'GET', path: '/ajax-api/2.0/mlflow/get-trace-artifact', query: 'request_id=..' },
      /not a trace id/,
    );
  });

  it('refuses a trace id that is the name of a fixed route beside the look-up (its 400 is not "missing")', () => {
    for (const id of ['get', 'batchGet']) {
      refused(
        {
          method: 'POST',
          path: '/api/3.0/mlflow/traces',
          body: {
            trace: {
              trace_info: { trace_id: id, trace_location: { mlflow_experiment: { experiment_id: '1' } } },
            },
          },
        },
        /not a trace id/,
      );
    }
  });

  it('requires a trace named twice to exist when one of the two requires it', () => {
    const route = ROUTES.find((r) => r.operation === 'StartTraceV3');
    expect(route).to.not.equal(undefined);
    const twice = {
      ...route!,
      targets: [
        ...route!.targets,
        { resource: 'trace' as const, names: ['trace_id'], within: ['trace', 'trace_info'] },
      ],
    };
    const body = { trace: { trace_info: { trace_id: 'tr-1', trace_location: traceLocation('1') } } };
    expect(extractReferences(twice, { source: 'body', body })).to.deep.equal([
      ref('experiment', '1'),
      ref('trace', 'tr-1'),
    ]);
  });
});
