/**
 * ListGatewayEndpoints (h/gateway): MLflow answers every endpoint at once (no pages), and its auth filters the
 * answer to the endpoints the caller may read (filter_list_gateway_endpoints). The gateway does the same: the
 * answer is read, and only the endpoints the policy's `visible` entrypoint allows are passed on. No count or token
 * is left that could reveal the others.
 */
import { MlgateError } from '../../errors.js';
import { type ResolvedTarget, buildPolicyInput, keyedGrants } from '../../policy/input.js';
import type { CapturedResponse } from '../../proxy/upstream.js';
import { proxy } from './proxy.js';
import type { ForwardDeps, ForwardHandler, GatewayContext } from './types.js';

export const filterGatewayEndpoints: ForwardHandler = (deps, ctx) =>
  proxy(deps, ctx, (response) => readable(deps, ctx, response));

async function readable(deps: ForwardDeps, ctx: GatewayContext, response: CapturedResponse): Promise<CapturedResponse> {
  if (response.status !== 200) {
    return response;
  }
  const { principal, policy } = ctx.state;
  if (principal === undefined || principal.username === null || policy === undefined) {
    throw new MlgateError('MLGATE_INTERNAL', 'A filtered list reached the forward stage without principal or policy.');
  }
  let answer: unknown;
  try {
    answer = JSON.parse(response.body.toString('utf8'));
  } catch {
    answer = undefined;
  }
  const rows = isObject(answer) ? (answer['endpoints'] ?? []) : undefined;
  if (!isObject(answer) || !Array.isArray(rows) || !rows.every((row) => isObject(row) && idOf(row) !== undefined)) {
    throw new MlgateError('MLGATE_UPSTREAM_INVALID_RESPONSE');
  }
  const endpoints = rows as Record<string, unknown>[];
  const ids = [...new Set(endpoints.map((row) => idOf(row) as string))];
  const grants = await deps.grantSource.forPrincipal('gateway_endpoint', ids, principal.username, principal.groups);
  const targets: ResolvedTarget[] = ids.map((id) => ({
    type: 'gateway_endpoint',
    id,
    via: 'gateway_endpoint',
    ref: id,
    exists: true,
  }));
  const visible = policy.visible(
    buildPolicyInput({
      principal,
      operation: ctx.state.route?.operation ?? null,
      targets,
      grants: keyedGrants('gateway_endpoint', grants),
      method: ctx.method,
      path: ctx.state.path,
      now: ctx.state.now,
    }),
  );
  const kept = endpoints.filter((row) => visible.has(idOf(row) as string));
  const body = Buffer.from(JSON.stringify({ ...answer, endpoints: kept }), 'utf8');
  return { ...response, headers: { ...response.headers, 'content-length': String(body.length) }, body };
}

function idOf(row: Record<string, unknown>): string | undefined {
  const id = row['endpoint_id'];
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
