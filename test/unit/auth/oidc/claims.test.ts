import { expect } from 'chai';

import { claimAt, groupsFromClaim, usernameFromClaims } from '../../../../src/auth/oidc/claims.js';

describe('claims from the identity provider', () => {
  describe('claimAt', () => {
    const claims = {
      groups: ['a'],
      realm_access: { roles: ['r1', 'r2'] },
      'urn:mlflow:groups': ['u'],
      'https://example.org/groups': ['h'],
      'a.b': 'exact',
      a: { b: 'nested' },
      list: [{ x: 1 }],
    };

    it('reads a claim by name, names with colons and URLs included', () => {
      expect(claimAt(claims, 'groups')).to.deep.equal(['a']);
      expect(claimAt(claims, 'urn:mlflow:groups')).to.deep.equal(['u']);
      expect(claimAt(claims, 'https://example.org/groups')).to.deep.equal(['h']);
    });

    it('follows a dotted path through nested objects', () => {
      expect(claimAt(claims, 'realm_access.roles')).to.deep.equal(['r1', 'r2']);
    });

    it('prefers a claim of exactly that name over the path', () => {
      expect(claimAt(claims, 'a.b')).to.equal('exact');
    });

    it('is undefined for what is absent, and does not walk into lists or inherited properties', () => {
      expect(claimAt(claims, 'missing')).to.equal(undefined);
      expect(claimAt(claims, 'realm_access.missing')).to.equal(undefined);
      expect(claimAt(claims, 'groups.0')).to.equal(undefined);
      expect(claimAt(claims, 'list.0.x')).to.equal(undefined);
      expect(claimAt(claims, 'realm_access.constructor')).to.equal(undefined);
      expect(claimAt(claims, 'toString')).to.equal(undefined);
      expect(claimAt(claims, '__proto__')).to.equal(undefined);
    });
  });

  describe('groupsFromClaim', () => {
    it('takes a list of names, each once', () => {
      expect(groupsFromClaim(['mlflow', 'team-a', 'mlflow'])).to.deep.equal({
        groups: ['mlflow', 'team-a'],
        ignored: [],
      });
    });

    it('takes a bare string as one group', () => {
      expect(groupsFromClaim('mlflow-admin')).to.deep.equal({ groups: ['mlflow-admin'], ignored: [] });
      expect(groupsFromClaim('a,b')).to.deep.equal({ groups: [], ignored: ['a,b'] });
    });

    it('has no groups when the claim is absent or null', () => {
      expect(groupsFromClaim(undefined)).to.deep.equal({ groups: [], ignored: [] });
      expect(groupsFromClaim(null)).to.deep.equal({ groups: [], ignored: [] });
    });

    it('leaves out entries that are not group names, and says which', () => {
      expect(groupsFromClaim(['ok', 3, { a: 1 }, '', ' spaced ', 'bad\nname'])).to.deep.equal({
        groups: ['ok', 'spaced'],
        ignored: ['3', '{"a":1}', '', 'bad\nname'],
      });
      expect(groupsFromClaim({ not: 'a list' }).groups).to.deep.equal([]);
    });
  });

  describe('usernameFromClaims', () => {
    const fields = ['email', 'preferred_username'];

    it('takes the first claim present, lower-cased', () => {
      expect(usernameFromClaims({ email: ' Ada@Example.org ', preferred_username: 'ada' }, fields)).to.deep.equal({
        ok: true,
        username: 'ada@example.org',
        claim: 'email',
      });
      expect(usernameFromClaims({ email: '', preferred_username: 'Bob' }, fields)).to.deep.equal({
        ok: true,
        username: 'bob',
        claim: 'preferred_username',
      });
      expect(usernameFromClaims({ upn: { name: 'Carol' } }, ['upn.name'])).to.deep.include({
        ok: true,
        username: 'carol',
      });
    });

    it('refuses when none is present', () => {
      const result = usernameFromClaims({ sub: 'x', email: 42 }, fields);
      expect(result.ok).to.equal(false);
      expect(!result.ok && result.reason).to.include('email, preferred_username');
    });

    it('refuses an invalid username rather than falling back to another claim', () => {
      const result = usernameFromClaims({ email: 'has space@example.org', preferred_username: 'ok' }, fields);
      expect(result.ok).to.equal(false);
      expect(!result.ok && result.reason).to.include('email claim is not a valid');
    });

    it('refuses an e-mail address the provider says is not verified', () => {
      const result = usernameFromClaims({ email: 'ada@example.org', email_verified: false }, fields);
      expect(result.ok).to.equal(false);
      expect(!result.ok && result.reason).to.include('not verified');
      expect(usernameFromClaims({ email: 'ada@example.org', email_verified: true }, fields).ok).to.equal(true);
    });
  });
});
