import { expect } from 'chai';

import { type DenialContext, denialError } from '../../../src/http/denial.js';
import type { Decision } from '../../../src/policy/decision.js';

const context: DenialContext = {
  operation: 'LogMetric',
  method: 'POST',
  path: '/api/2.0/mlflow/runs/log-metric',
  targets: [{ type: 'experiment', id: '7', via: 'run', ref: 'abc', exists: true }],
};

const deny = (reasons: string[], checks: Decision['checks'] = []): Decision => ({
  allow: false,
  reasons,
  obligations: [],
  checks,
});

describe('denials', () => {
  it('maps unauthenticated to 401 (the challenge stage adds the challenges)', () => {
    const error = denialError(deny(['unauthenticated']), context);
    expect(error).to.include({ code: 'MLGATE_AUTH_REQUIRED', status: 401, mlflowCode: 'UNAUTHENTICATED' });
  });

  it('maps an unknown route to 403 naming the route', () => {
    const error = denialError(deny(['route-unknown']), { ...context, operation: null, path: '/api/2.0/mlflow/x' });
    expect(error).to.include({ code: 'MLGATE_ROUTE_UNKNOWN', status: 403 });
    expect(error.message).to.include('POST /api/2.0/mlflow/x is not in the gateway');
  });

  it('maps admin-required to 403', () => {
    expect(denialError(deny(['admin-required']), context)).to.include({ code: 'MLGATE_ADMIN_REQUIRED', status: 403 });
  });

  it('explains a missing permission: what is needed, on what, and what the caller has', () => {
    const error = denialError(
      deny(
        ['no-permission'],
        [
          {
            type: 'experiment',
            id: '7',
            required: 'EDIT',
            permission: 'READ',
            source: 'group',
            group: 'team-a',
            satisfied: false,
          },
        ],
      ),
      context,
    );
    expect(error).to.include({ code: 'MLGATE_PERMISSION_DENIED', status: 403, mlflowCode: 'PERMISSION_DENIED' });
    expect(error.message).to.include(
      'LogMetric needs EDIT on the experiment of run abc; you have READ (grant of group team-a).',
    );
    expect(error.details).to.deep.equal({ reasons: ['no-permission'], operation: 'LogMetric' });
  });

  it('maps a missing resource to 404 only when nothing else is refused', () => {
    const missing: DenialContext = {
      ...context,
      operation: 'GetExperimentByName',
      targets: [{ type: 'experiment', id: 'x', via: 'experiment_name', ref: 'x', exists: false }],
    };
    const error = denialError(deny(['resource-not-found']), missing);
    expect(error).to.include({ code: 'MLGATE_RESOURCE_NOT_FOUND', status: 404, mlflowCode: 'RESOURCE_DOES_NOT_EXIST' });
    expect(error.message).to.equal('experiment "x" does not exist.');
    expect(denialError(deny(['no-permission', 'resource-not-found']), missing).status).to.equal(403);
  });

  it('maps the other refusals to 403', () => {
    for (const reason of ['explicit-deny', 'no-targets', 'no-permission']) {
      expect(denialError(deny([reason]), context).status, reason).to.equal(403);
    }
  });

  it('maps reasons that mean a gateway or policy bug to 503 MLGATE_POLICY_ERROR, not "ask a MANAGE user"', () => {
    for (const reason of ['input-invalid', 'operation-invalid', 'policy-default-deny']) {
      const error = denialError(deny([reason, 'no-permission']), context);
      expect(error, reason).to.include({ code: 'MLGATE_POLICY_ERROR', status: 503 });
      expect(error.message).to.include(reason).and.not.to.include('MANAGE');
    }
  });
});
