import { expect } from 'chai';

import { decideLoginAccess } from '../../../../src/auth/oidc/access.js';

describe('who may finish a browser login', () => {
  const base = { storeAdmin: false, adminGroups: ['mlflow-admin'], allowedGroups: ['mlflow'] };

  it('lets a member of an admin group in as an administrator', () => {
    expect(decideLoginAccess({ ...base, groups: ['mlflow-admin'] })).to.deep.equal({ allowed: true, isAdmin: true });
  });

  it('lets a member of an allowed group in as a plain user', () => {
    expect(decideLoginAccess({ ...base, groups: ['team', 'mlflow'] })).to.deep.equal({ allowed: true, isAdmin: false });
  });

  it("lets a user the store flags as administrator in, whatever the provider's groups", () => {
    expect(decideLoginAccess({ ...base, storeAdmin: true, groups: [] })).to.deep.equal({
      allowed: true,
      isAdmin: true,
    });
  });

  it('refuses a user in neither, naming the groups that would do', () => {
    expect(decideLoginAccess({ ...base, groups: ['contractors'] })).to.deep.equal({
      allowed: false,
      requiredGroups: ['mlflow', 'mlflow-admin'],
    });
    expect(decideLoginAccess({ ...base, groups: [] }).allowed).to.equal(false);
  });

  it('compares group names exactly (case and all)', () => {
    expect(decideLoginAccess({ ...base, groups: ['MLflow', 'mlflow-admin '] }).allowed).to.equal(false);
  });

  it('lets every authenticated user in when no allowed group is configured', () => {
    expect(decideLoginAccess({ ...base, allowedGroups: [], groups: [] })).to.deep.equal({
      allowed: true,
      isAdmin: false,
    });
  });
});
