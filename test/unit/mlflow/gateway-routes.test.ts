/**
 * AI gateway, webhook, MCP server, assistant and workspace routes (h/gateway), table-driven: a request -> its
 * operation and the endpoints it names (read where MLflow reads them) -> what the shipped policy asks of a
 * non-administrator, and that an administrator passes.
 */
import { expect } from 'chai';

import type { Principal } from '../../../src/auth/principal.js';
import type { PermissionLevel } from '../../../src/config/schema.js';
import { MlgateError } from '../../../src/errors.js';
import { type RouteMatch, createRouteTable } from '../../../src/mlflow/match.js';
import { parseQuery } from '../../../src/mlflow/params.js';
import { type Reference, extractReferences } from '../../../src/mlflow/references.js';
import { resourceKind } from '../../../src/mlflow/resources/index.js';
import { ROUTES } from '../../../src/mlflow/routes.js';
import { defaultBundlePath } from '../../../src/paths.js';
import { readBundle } from '../../../src/policy/bundle.js';
import type { Decision } from '../../../src/policy/decision.js';
import { type DecisionEngine, createDecisionEngine } from '../../../src/policy/engine.js';
import { buildPolicyInput, grantsKey } from '../../../src/policy/input.js';
import { GATEWAY_ROWS, type GatewayRequest } from '../../tables/gateway-rows.js';

const table = createRouteTable(ROUTES);
const member: Principal = { authenticated: true, username: 'u', isAdmin: false, groups: [], method: 'basic' };
const admin: Principal = { ...member, username: 'root', isAdmin: true };
const BELOW: Record<PermissionLevel, PermissionLevel> = {
  NO_PERMISSIONS: 'NO_PERMISSIONS',
  READ: 'NO_PERMISSIONS',
  USE: 'READ',
  EDIT: 'USE',
  MANAGE: 'EDIT',
};

function matched(request: GatewayRequest): RouteMatch {
  const found = table.match(request.method, request.path);
  expect(found, `${request.method} ${request.path}`).to.not.equal(undefined);
  return found as RouteMatch;
}

function referencesOf(request: GatewayRequest): Reference[] {
  const found = matched(request);
  const query = parseQuery(request.query ?? '');
  return extractReferences(found.route, {
    params:
      request.method === 'GET' && query.size > 0
        ? { source: 'query', query }
        : { source: 'body', body: request.body ?? {} },
    query,
    path: found.params,
    headers: {},
  });
}

function decide(
  engine: DecisionEngine,
  principal: Principal,
  operation: string,
  refs: readonly Reference[],
  level: (ref: Reference) => PermissionLevel | null,
): Decision {
  const targets = refs.map((r) => ({
    type: resourceKind(r.kind).carrier,
    id: `id-of-${r.value}`,
    via: r.kind,
    ref: r.value,
    exists: true,
    ...(r.permission === undefined ? {} : { permission: r.permission }),
  }));
  const grants = new Map<string, { user: PermissionLevel; groups: Record<string, never> }>();
  refs.forEach((r, i) => {
    const held = level(r);
    const target = targets[i];
    if (held !== null && target !== undefined)
      grants.set(grantsKey(target.type, target.id), { user: held, groups: {} });
  });
  return engine.decide(
    buildPolicyInput({ principal, operation, targets, grants, method: 'GET', path: '/', now: new Date() }),
  );
}

const nothing = (): null => null;

describe('AI gateway, webhooks, MCP servers, assistant, workspaces: request -> references -> decision', () => {
  let engine: DecisionEngine;
  let open: DecisionEngine;

  before(async () => {
    const bundle = await readBundle(defaultBundlePath());
    engine = createDecisionEngine();
    await engine.load(bundle, { config: { default_permission: 'NO_PERMISSIONS', admin_groups: [] } });
    open = createDecisionEngine();
    await open.load(bundle, {
      config: { default_permission: 'NO_PERMISSIONS', admin_groups: [], assistant_access: 'authenticated' },
    });
  });

  for (const row of GATEWAY_ROWS) {
    const { method, path, query } = row.request;
    const label = typeof row.requires === 'string' ? row.requires : row.requires.named.map(([, p]) => p).join(',');
    it(`${method} ${path}${query === undefined ? '' : '?' + query} -> ${row.operation} (${label})`, () => {
      expect(matched(row.request).route.operation).to.equal(row.operation);
      const refs = referencesOf(row.request);
      const named = refs.map((r) => `${r.kind}:${r.value}`);
      expect(decide(engine, admin, row.operation, refs, nothing).allow, 'an administrator passes').to.equal(true);
      if (typeof row.requires === 'object') {
        const { named: expected, creates } = row.requires;
        expect(named).to.deep.equal(expected.map(([ref]) => ref));
        const needed = new Map(expected.map(([ref, permission]) => [ref, permission]));
        const levelOf = (r: Reference): PermissionLevel => needed.get(`${r.kind}:${r.value}`) ?? 'NO_PERMISSIONS';
        const granted = decide(engine, member, row.operation, refs, levelOf);
        expect(granted.allow, JSON.stringify(granted.reasons)).to.equal(true);
        if (creates === true) {
          expect(granted.obligations).to.deep.include({ type: 'grant-creator', permission: 'MANAGE' });
        }
        for (const short of refs) {
          const below = decide(engine, member, row.operation, refs, (r) =>
            r === short ? BELOW[levelOf(r)] : levelOf(r),
          );
          expect(below.allow, `${short.kind}:${short.value} one level short`).to.equal(false);
          expect(below.reasons).to.include('no-permission');
        }
        expect(decide(engine, member, row.operation, refs, nothing).reasons).to.deep.equal(['no-permission']);
        return;
      }
      expect(named, 'names nothing').to.deep.equal([]);
      const decision = decide(engine, member, row.operation, refs, nothing);
      if (row.requires === 'authenticated') {
        expect(decision.allow).to.equal(true);
      } else if (row.requires === 'create') {
        expect(decision.allow).to.equal(true);
        expect(decision.obligations).to.deep.include({ type: 'grant-creator', permission: 'MANAGE' });
      } else {
        expect(decision.allow).to.equal(false);
        expect(decision.reasons).to.deep.equal(['admin-required']);
      }
      if (row.requires === 'assistant') {
        expect(decide(open, member, row.operation, refs, nothing).allow, 'assistant_access: authenticated').to.equal(
          true,
        );
      } else {
        expect(decide(open, member, row.operation, refs, nothing).allow).to.equal(row.requires !== 'admin');
      }
    });
  }
});

describe('AI gateway invocations: the endpoint a request names', () => {
  const refused = (request: GatewayRequest, message: RegExp): void => {
    expect(() => referencesOf(request)).to.throw(MlgateError, message);
  };

  it('refuses an OpenAI-style request whose body names no endpoint (MLflow: "No endpoint name found")', () => {
    refused({ method: 'POST', path: '/gateway/openai/v1/chat/completions', body: {} }, /model/);
    refused({ method: 'POST', path: '/gateway/mlflow/v1/chat/completions', body: { messages: [] } }, /model/);
  });

  it('refuses a `model` that is not a string', () => {
    refused({ method: 'POST', path: '/gateway/anthropic/v1/messages', body: { model: ['a', 'b'] } }, /model/);
  });

  it('reads the endpoint of an invocation from the path, not from its body', () => {
    expect(
      referencesOf({ method: 'POST', path: '/gateway/chat/mlflow/invocations', body: { model: 'other' } }),
    ).to.deep.equal([{ kind: 'gateway_endpoint_name', value: 'chat' }]);
    expect(
      referencesOf({ method: 'POST', path: '/gateway/proxy/chat/chat/completions', body: { model: 'gpt-4o' } }),
    ).to.deep.equal([{ kind: 'gateway_endpoint_name', value: 'chat' }]);
  });

  it('reads both the id and the name of GetGatewayEndpoint when both are given', () => {
    expect(
      referencesOf({ method: 'GET', path: '/api/3.0/mlflow/gateway/endpoints/get', query: 'endpoint_id=e-1&name=x' }),
    ).to.deep.equal([
      { kind: 'gateway_endpoint', value: 'e-1' },
      { kind: 'gateway_endpoint_name', value: 'x' },
    ]);
  });

  it('refuses a management request that names no endpoint', () => {
    refused({ method: 'POST', path: '/api/3.0/mlflow/gateway/endpoints/set-tag', body: { key: 'k' } }, /endpoint_id/);
  });
});
