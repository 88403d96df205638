import { expect } from 'chai';

import { MlgateError } from '../../../src/errors.js';
import { requireDefaultWorkspace } from '../../../src/mlflow/workspace.js';

describe('MLflow workspaces', () => {
  it('accept requests without a workspace or for the default one', () => {
    expect(() => requireDefaultWorkspace({})).not.to.throw();
    expect(() => requireDefaultWorkspace({ 'x-mlflow-workspace': 'default' })).not.to.throw();
  });

  it('refuse any other workspace with 400, since grants and look-ups concern the default one', () => {
    for (const value of ['team-a', 'Default', ['default', 'team-a']]) {
      expect(() => requireDefaultWorkspace({ 'x-mlflow-workspace': value }), JSON.stringify(value))
        .to.throw(MlgateError)
        .with.property('code', 'MLGATE_REQUEST_INVALID');
    }
  });
});
