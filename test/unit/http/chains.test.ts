import { expect } from 'chai';

import { branchOf } from '../../../src/http/chains.js';

describe('chains: which branch a request takes', () => {
  const login = (path: string): boolean => ['/_mlgate/login', '/callback', '/_mlgate/logout'].includes(path);

  it('answers health probes without authentication, and nothing else under /_mlgate/health', () => {
    expect(branchOf('/_mlgate/health/live', login)).to.equal('health');
    expect(branchOf('/_mlgate/health/ready', login)).to.equal('health');
    expect(branchOf('/_mlgate/healthz', login)).to.equal('own');
  });

  it('sends the login routes, wherever the callback lives, to the login chain', () => {
    expect(branchOf('/_mlgate/login', login)).to.equal('login');
    expect(branchOf('/callback', login)).to.equal('login');
    expect(branchOf('/_mlgate/logout', login)).to.equal('login');
  });

  it('sends the gateway API to its authenticated chain', () => {
    expect(branchOf('/_mlgate/api/tokens', login)).to.equal('api');
  });

  it('never forwards another /_mlgate path to MLflow', () => {
    for (const path of ['/_mlgate', '/_mlgate/', '/_mlgate/api', '/_mlgate/x', '/_mlgate/login/../x']) {
      expect(branchOf(path, login), path).to.equal('own');
    }
  });

  it('sends everything else through the MLflow pipeline', () => {
    for (const path of ['/', '/api/2.0/mlflow/runs/get', '/_mlgatex', '/static-files/x', '/ajax-api/2.0/x']) {
      expect(
        branchOf(path, () => false),
        path,
      ).to.equal('mlflow');
    }
  });
});
