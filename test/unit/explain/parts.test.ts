/** The pure parts of mlgate explain: what decided each check, the principal, the request target, the text. */
import { expect } from 'chai';

import { explainPrincipal, requestHeaders } from '../../../src/cli/explain-command.js';
import { adminGrounds, describeChecks } from '../../../src/explain/describe.js';
import { type Explanation, GROUP_MEMBER, splitRequestTarget } from '../../../src/explain/explain.js';
import { renderExplanation } from '../../../src/explain/render.js';
import type { TargetCheck } from '../../../src/policy/decision.js';
import { createMemoryStore } from '../../../src/store/memory/store.js';
import { grantsKey } from '../../../src/policy/input.js';
import type { RegexRuleRecord, ResourceGrants } from '../../../src/store/types.js';

const check = (id: string, source: string, extra: Partial<TargetCheck> = {}): TargetCheck => ({
  type: 'experiment',
  id,
  required: 'READ',
  permission: 'READ',
  source,
  satisfied: true,
  ...extra,
});

const rule = (id: string, principal: string, pattern: string): RegexRuleRecord => ({
  id,
  resourceType: 'experiment',
  principalType: 'group',
  principal,
  pattern,
  priority: 5,
  permission: 'EDIT',
  createdAt: new Date(0),
  createdBy: 't',
});

describe('mlgate explain: what decided', () => {
  const grants = new Map<string, ResourceGrants>([
    [grantsKey('experiment', '1'), { user: 'READ', groups: { 'team-b': 'EDIT', 'team-a': 'READ' } }],
    [grantsKey('experiment', '2'), { user: null, groups: { 'team-b': 'EDIT', 'team-a': 'READ' } }],
  ]);
  const context = {
    username: 'alice',
    grants,
    rules: [rule('rx-1', 'team-a', 'team-a/.*')],
    defaultPermission: 'NO_PERMISSIONS',
  };

  it("names the user's grant", () => {
    const [explained] = describeChecks([check('1', 'user')], context);
    expect(explained?.decided_by).to.deep.equal({
      source: 'user',
      grant: { principal_type: 'user', principal: 'alice', permission: 'READ' },
    });
  });

  it("names the deciding group's grant among all the groups' grants, sorted by group", () => {
    const [explained] = describeChecks([check('2', 'group', { permission: 'EDIT', group: 'team-b' })], context);
    expect(explained?.decided_by).to.deep.equal({
      source: 'group',
      grant: { principal_type: 'group', principal: 'team-b', permission: 'EDIT' },
      group_grants: [
        { principal_type: 'group', principal: 'team-a', permission: 'READ' },
        { principal_type: 'group', principal: 'team-b', permission: 'EDIT' },
      ],
    });
  });

  it('looks a regex rule up by the id the policy named, and says when it is not loaded', () => {
    const [known, unknown] = describeChecks(
      [check('3', 'group-regex', { rule: 'rx-1' }), check('4', 'regex', { rule: 'rx-gone' })],
      context,
    );
    expect(known?.decided_by).to.deep.equal({
      source: 'group-regex',
      rule_id: 'rx-1',
      rule: {
        id: 'rx-1',
        principal_type: 'group',
        principal: 'team-a',
        pattern: 'team-a/.*',
        priority: 5,
        permission: 'EDIT',
      },
    });
    expect(unknown?.decided_by).to.deep.equal({ source: 'regex', rule_id: 'rx-gone', rule: null });
  });

  it("names the configured default, and a custom policy's own source as it is", () => {
    const [byDefault, custom] = describeChecks(
      [check('5', 'default', { permission: 'NO_PERMISSIONS', satisfied: false }), check('6', 'auditor')],
      context,
    );
    expect(byDefault?.decided_by).to.deep.equal({ source: 'default', default_permission: 'NO_PERMISSIONS' });
    expect(custom?.decided_by).to.deep.equal({ source: 'auditor', other: true });
  });

  it('says why a principal is an administrator', () => {
    expect(adminGrounds({ isAdmin: true, groups: ['mlflow-admin', 'x'] }, ['mlflow-admin'])).to.deep.equal([
      'flag',
      'group:mlflow-admin',
    ]);
    expect(adminGrounds({ isAdmin: false, groups: ['x'] }, ['mlflow-admin'])).to.deep.equal([]);
  });
});

describe('mlgate explain: the principal', () => {
  it('reads a stored user with their stored and provider groups', async () => {
    const store = createMemoryStore();
    await store.users.create({ username: 'alice', isAdmin: false, groups: ['team-a'] });
    await store.users.recordProviderLogin('alice', ['sso-team', 'team-a']);
    const principal = await explainPrincipal(store, { user: 'Alice', groups: [], admin: false });
    expect(principal).to.deep.include({ authenticated: true, username: 'alice', isAdmin: false });
    expect(principal.groups).to.deep.equal(['team-a', 'sso-team']);
  });

  it('refuses an unknown user clearly', async () => {
    const error = await explainPrincipal(createMemoryStore(), { user: 'nobody', groups: [], admin: false }).then(
      () => null,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error?.code).to.equal('MLGATE_NO_SUCH_OBJECT');
    expect(error?.message).to.equal('User "nobody" does not exist.');
  });

  it('makes a hypothetical member of groups, with a username no user can have', async () => {
    const principal = await explainPrincipal(createMemoryStore(), {
      user: undefined,
      groups: ['team-a', 'team-b', 'team-a'],
      admin: true,
    });
    expect(principal).to.deep.equal({
      authenticated: true,
      username: GROUP_MEMBER,
      isAdmin: true,
      groups: ['team-a', 'team-b'],
      method: 'basic',
    });
  });

  it('needs exactly one of --user and --group, and --admin only with --group', async () => {
    const store = createMemoryStore();
    for (const args of [
      { user: undefined, groups: [], admin: false },
      { user: 'alice', groups: ['x'], admin: false },
      { user: 'alice', groups: [], admin: true },
      { user: undefined, groups: ['bad\ngroup'], admin: false },
    ]) {
      const code = await explainPrincipal(store, args).then(
        () => null,
        (e: unknown) => (e as { code: string }).code,
      );
      expect(code, JSON.stringify(args)).to.equal('MLGATE_USAGE');
    }
  });
});

describe('mlgate explain: the request', () => {
  it('splits a path or a URL into the raw path and query string, as the gateway receives them', () => {
    expect(splitRequestTarget('/api/2.0/mlflow/experiments/get?experiment_id=1')).to.deep.equal({
      rawPath: '/api/2.0/mlflow/experiments/get',
      querystring: 'experiment_id=1',
    });
    expect(splitRequestTarget('https://mlflow.example.com:8443/a%20b?x=1?y#frag')).to.deep.equal({
      rawPath: '/a%20b',
      querystring: 'x=1?y',
    });
    expect(splitRequestTarget('http://host')).to.deep.equal({ rawPath: '/', querystring: '' });
    expect(splitRequestTarget('http://host?x=1')).to.deep.equal({ rawPath: '/', querystring: 'x=1' });
  });

  it('refuses what is neither a path nor an http(s) URL', () => {
    for (const value of ['experiments/get', 'ftp://host/x', '']) {
      expect(() => splitRequestTarget(value), value).to.throw(/neither a path/);
    }
  });

  it('reads --header options, repeats kept, names lower-cased', () => {
    expect(requestHeaders(['X-MLflow-Experiment-Id: 4', 'x-a: 1', 'X-A:2'])).to.deep.equal({
      'x-mlflow-experiment-id': ['4'],
      'x-a': ['1', '2'],
    });
    for (const bad of ['no colon', ': empty', 'bad name: 1']) {
      expect(() => requestHeaders([bad]), bad).to.throw(/--header must be/);
    }
  });
});

describe('mlgate explain: the text', () => {
  const base: Explanation = {
    principal: { username: 'alice', hypothetical: false, is_admin: false, groups: ['team-a'], admin: [] },
    request: { method: 'GET', path: '/api/2.0/mlflow/experiments/get', query: 'experiment_id=3' },
    route: { operation: 'GetExperiment', template: '/mlflow/experiments/get' },
    graphql: false,
    targets: [{ type: 'experiment', id: '3', via: 'experiment', ref: '3', exists: true, name: 'team-a/frozen' }],
    checks: [
      {
        ...check('3', 'group-regex', { permission: 'NO_PERMISSIONS', rule: 'rx-1', satisfied: false }),
        decided_by: {
          source: 'group-regex',
          rule_id: 'rx-1',
          rule: {
            id: 'rx-1',
            principal_type: 'group',
            principal: 'team-a',
            pattern: 'team-a/frozen',
            priority: 1,
            permission: 'NO_PERMISSIONS',
          },
        },
      },
    ],
    decision: { allow: false, reasons: ['explicit-deny', 'no-permission'], obligations: [], checks: [] },
    allowed: false,
    refusal: { status: 403, code: 'MLGATE_PERMISSION_DENIED', message: 'Permission denied.' },
    policy_revision: 'sha256:abc',
    input: {} as Explanation['input'],
  };

  it('says what decided, the decision, the reasons and the answer', () => {
    const text = renderExplanation(base, { policySource: '/b.tar.gz', dataVersion: 'v1' }).join('\n');
    expect(text).to.equal(
      [
        'Request:     GET /api/2.0/mlflow/experiments/get?experiment_id=3',
        'Principal:   alice (groups: team-a)',
        'Operation:   GetExperiment',
        'Policy:      revision sha256:abc from /b.tar.gz; permission data version v1',
        'Targets:',
        '  experiment 3 "team-a/frozen", from experiment 3',
        'Checks:',
        '  experiment 3: needs READ, has NO_PERMISSIONS from group-regex -> NOT satisfied',
        '    decided by regex rule rx-1 of group team-a: pattern "team-a/frozen", priority 1, NO_PERMISSIONS',
        'Decision:    DENY',
        'Reasons:     explicit-deny, no-permission',
        'Obligations: none',
        'Answer:      403 MLGATE_PERMISSION_DENIED: Permission denied.',
      ].join('\n'),
    );
  });

  it('lists obligations, and says that GraphQL fields are decided again', () => {
    const text = renderExplanation(
      {
        ...base,
        route: { operation: 'GraphQL', template: '/graphql' },
        graphql: true,
        targets: [],
        checks: [],
        decision: {
          allow: true,
          reasons: ['authenticated'],
          obligations: [{ type: 'grant-creator', permission: 'MANAGE' }, { type: 'drop-unreadable-targets' }],
          checks: [],
        },
        allowed: true,
        refusal: null,
      },
      { policySource: 's', dataVersion: 'v' },
    );
    expect(text).to.include('Targets:     none');
    expect(text).to.include('Obligations: grant-creator (MANAGE), drop-unreadable-targets');
    expect(text).to.include(
      'Note:        each root field of a GraphQL request is then decided on its own; not explained here',
    );
  });

  it('explains an unknown route, an administrator and a hypothetical member', () => {
    const text = renderExplanation(
      {
        ...base,
        principal: { username: GROUP_MEMBER, hypothetical: true, is_admin: true, groups: ['ops'], admin: ['flag'] },
        route: null,
        targets: [],
        checks: [],
        decision: { allow: true, reasons: ['admin'], obligations: [], checks: [] },
        allowed: true,
        refusal: null,
      },
      { policySource: 's', dataVersion: 'v' },
    );
    expect(text).to.include('Principal:   a member of ops (hypothetical; no user grant or user rule applies)');
    expect(text).to.include("             an administrator (the store's admin flag)");
    expect(text).to.include(
      'Operation:   none: GET /api/2.0/mlflow/experiments/get is not in the route catalogue, so only ' +
        'administrators may call it (MLGATE_ROUTE_UNKNOWN)',
    );
    expect(text).to.include('Checks:      none: administrators are not bound by grants or rules');
    expect(text).to.include('Decision:    ALLOW');
    expect(text.some((line) => line.startsWith('Answer:'))).to.equal(false);
  });
});
