/**
 * `mlgate explain`'s core: decides one request for a principal as the gateway's pipeline would, with its own
 * pieces (route table, parameter reading, target resolution through MLflow, grants from the store, the policy
 * input and the policy snapshot), and keeps what each step found so that the decision can be explained.
 */
import type { Principal } from '../auth/principal.js';
import { MlgateError } from '../errors.js';
import { requestAttributes, unfitObligation, unnamedHint } from '../http/authorize.js';
import { denialError } from '../http/denial.js';
import { graphqlDocument } from '../http/graphql-document.js';
import { requestParams } from '../http/read-params.js';
import { type TargetDeps, resolveTargets } from '../http/resolve-targets.js';
import { type RouteTable, decodePath } from '../mlflow/match.js';
import { parseQuery } from '../mlflow/params.js';
import { WORKSPACE_HEADER, requireDefaultWorkspace } from '../mlflow/workspace.js';
import type { Decision } from '../policy/decision.js';
import type { PolicySnapshot } from '../policy/engine.js';
import { type PolicyInput, type ResolvedTarget, buildPolicyInput } from '../policy/input.js';
import type { RegexRuleRecord } from '../store/types.js';
import { type ExplainedCheck, adminGrounds, describeChecks } from './describe.js';

/** The username a hypothetical group member is explained with: no user can have it (not a valid username). */
export const GROUP_MEMBER = '<group member>';

export interface ExplainRequest {
  readonly method: string;
  /** An absolute URL (its origin is ignored) or a path, with its query string. */
  readonly url: string;
  /** The body (JSON, unless a content-type header says otherwise). */
  readonly body?: Buffer;
  /** Request headers by lower-case name (the OTLP export names its experiment in one; the workspace header). */
  readonly headers?: Readonly<Record<string, readonly string[]>>;
}

export interface ExplainDeps {
  readonly routes: RouteTable;
  readonly targets: TargetDeps;
  readonly policy: PolicySnapshot;
  /** The regex rules the policy's data was built from (rules are looked up there by id). */
  readonly rules: readonly RegexRuleRecord[];
  readonly defaultPermission: string;
  readonly adminGroups: readonly string[];
  readonly maxBodyBytes: number;
  readonly now: Date;
}

/** What the gateway answers instead of forwarding the request. */
export interface RefusalAnswer {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

export interface Explanation {
  readonly principal: {
    readonly username: string;
    /** True for a hypothetical member of groups (--group): the username is GROUP_MEMBER. */
    readonly hypothetical: boolean;
    readonly is_admin: boolean;
    readonly groups: readonly string[];
    /** Why the principal is an administrator ("flag", "group:<name>"); empty when not one. */
    readonly admin: readonly string[];
  };
  readonly request: { readonly method: string; readonly path: string; readonly query: string };
  /** The catalogue entry, or null: the route is unknown, only administrators may call it (MLGATE_ROUTE_UNKNOWN). */
  readonly route: { readonly operation: string; readonly template: string } | null;
  /** True for a GraphQL request: each root field is decided again on its own, which is not explained here. */
  readonly graphql: boolean;
  readonly targets: readonly ResolvedTarget[];
  readonly checks: readonly ExplainedCheck[];
  readonly decision: Decision;
  readonly allowed: boolean;
  /** What the gateway answers when it refuses the request; null when it forwards it. */
  readonly refusal: RefusalAnswer | null;
  readonly policy_revision: string;
  readonly input: PolicyInput;
}

export async function explainRequest(
  deps: ExplainDeps,
  principal: Principal & { readonly username: string },
  request: ExplainRequest,
): Promise<Explanation> {
  const method = request.method.toUpperCase();
  const headers = request.headers ?? {};
  const { rawPath, querystring } = splitRequestTarget(request.url);
  const path = decodePath(rawPath);
  // As Node hands it to the gateway: repeats of the header joined into one value.
  const workspace = headers[WORKSPACE_HEADER];
  requireDefaultWorkspace(workspace === undefined ? {} : { [WORKSPACE_HEADER]: workspace.join(', ') });
  const found = deps.routes.match(method, path);
  const route = found?.route;
  let resolved: Awaited<ReturnType<typeof resolveTargets>> = { targets: [], grants: new Map() };
  let attributes: Record<string, string> = {};
  if (route !== undefined) {
    const query = parseQuery(querystring);
    const body = request.body ?? Buffer.alloc(0);
    if (body.length > deps.maxBodyBytes) {
      throw new MlgateError('MLGATE_BODY_TOO_LARGE', undefined, { details: { limit_bytes: deps.maxBodyBytes } });
    }
    const read = requestParams(route, {
      method,
      query,
      body,
      contentType: singleHeader(headers, 'content-type') ?? 'application/json',
      contentEncoding: singleHeader(headers, 'content-encoding'),
      maxBodyBytes: deps.maxBodyBytes,
    });
    const graphql = graphqlDocument(route, read.params, deps.targets.maxResources);
    resolved = await resolveTargets(deps.targets, {
      route,
      view: {
        params: read.params,
        query,
        path: found?.params ?? {},
        headers,
        ...(read.otlpTraceIds === undefined ? {} : { otlpTraceIds: read.otlpTraceIds }),
      },
      extraReferences: graphql?.references ?? [],
      username: principal.username,
      groups: principal.groups,
    });
    attributes = requestAttributes(route, read.params);
  }
  const input = buildPolicyInput({
    principal,
    operation: route?.operation ?? null,
    targets: resolved.targets,
    grants: resolved.grants,
    method,
    path,
    attributes,
    now: deps.now,
  });
  const decision = deps.policy.decide(input);
  const refused = decision.allow
    ? unfitObligation(decision, route)
    : denialError(decision, {
        operation: route?.operation ?? null,
        method,
        path,
        targets: resolved.targets,
        ...unnamedHint(route),
      });
  return {
    principal: {
      username: principal.username,
      hypothetical: principal.username === GROUP_MEMBER,
      is_admin: principal.isAdmin,
      groups: principal.groups,
      admin: adminGrounds(principal, deps.adminGroups),
    },
    request: { method, path, query: querystring },
    route: route === undefined ? null : { operation: route.operation, template: route.path },
    graphql: route?.body === 'graphql',
    targets: resolved.targets,
    checks: describeChecks(decision.checks, {
      username: principal.username,
      grants: resolved.grants,
      rules: deps.rules,
      defaultPermission: deps.defaultPermission,
    }),
    decision,
    allowed: refused === undefined,
    refusal: refused === undefined ? null : { status: refused.status, code: refused.code, message: refused.message },
    policy_revision: deps.policy.revision,
    input,
  };
}

function singleHeader(headers: Readonly<Record<string, readonly string[]>>, name: string): string | undefined {
  const values = headers[name] ?? [];
  if (values.length > 1) {
    throw new MlgateError('MLGATE_REQUEST_INVALID', `The request repeats the ${name} header; send it once.`);
  }
  return values[0];
}

/**
 * The path and query string of a request target as the gateway receives them (Koa's ctx.path and ctx.querystring:
 * the raw path, not normalised): an absolute http(s) URL loses its origin, a fragment is dropped.
 */
export function splitRequestTarget(url: string): { readonly rawPath: string; readonly querystring: string } {
  let target = url.split('#', 1)[0] ?? '';
  const absolute = /^https?:\/\/[^/?]*/i.exec(target);
  if (absolute !== null) {
    // A client asks for "/" when the URL has no path.
    target = target.slice(absolute[0].length);
    target = target.startsWith('/') ? target : `/${target}`;
  }
  if (!target.startsWith('/')) {
    throw new MlgateError(
      'MLGATE_USAGE',
      `"${url}" is neither a path (starting with "/") nor an http(s) URL. Run "mlgate help" for usage.`,
    );
  }
  const at = target.indexOf('?');
  return at === -1
    ? { rawPath: target, querystring: '' }
    : { rawPath: target.slice(0, at), querystring: target.slice(at + 1) };
}
