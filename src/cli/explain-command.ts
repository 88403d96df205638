/**
 * `mlgate explain`: the decision the gateway makes on one request for a user (or a hypothetical member of groups),
 * with the reasons and the grant or rule that decided. It loads what a gateway replica loads at start-up, the same
 * way: the configured policy bundle (startPolicy: file, directory or URL, signature checked), the configuration's
 * data and the regex rules from MongoDB (createLiveData), and resolves the request's resources through the
 * configured MLflow. Exit status 0 when the gateway would forward the request, EXIT_REFUSED when it would refuse it.
 */
import { readFileSync } from 'node:fs';

import { userPrincipal } from '../auth/effective-groups.js';
import type { Principal } from '../auth/principal.js';
import type { Config } from '../config/schema.js';
import { MlgateError } from '../errors.js';
import { GROUP_MEMBER, explainRequest } from '../explain/explain.js';
import { renderExplanation } from '../explain/render.js';
import { createLogger } from '../logging.js';
import { createMlflowClient } from '../mlflow/client.js';
import { createRouteTable } from '../mlflow/match.js';
import { createExperimentNames } from '../mlflow/names.js';
import { createResolver } from '../mlflow/resolve.js';
import { ROUTES } from '../mlflow/routes.js';
import { defaultBundlePath } from '../paths.js';
import { readBundle } from '../policy/bundle.js';
import { runtimeData } from '../policy/data.js';
import { ruleLimits } from '../policy/rule-limits.js';
import { createLiveData } from '../policy/live-data.js';
import { createPatternChecker } from '../policy/patterns.js';
import { startPolicy } from '../policy/start-policy.js';
import type { RegexRuleRecord, Store } from '../store/types.js';
import { type Output, requireGroup, requireUsername } from './admin-commands.js';

/** The exit status of `mlgate explain` when the gateway would refuse the request. */
export const EXIT_REFUSED = 3;

export interface ExplainArgs {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly user: string | undefined;
  readonly groups: readonly string[];
  readonly admin: boolean;
  readonly body: string | undefined;
  readonly bodyFile: string | undefined;
  /** "Name: value", repeatable. */
  readonly headers: readonly string[];
}

function usage(message: string): MlgateError {
  return new MlgateError('MLGATE_USAGE', `${message} Run "mlgate help" for usage.`);
}

export async function explainCommand(store: Store, config: Config, args: ExplainArgs): Promise<Output> {
  const method = args.method;
  if (method === undefined || args.url === undefined || !/^[A-Za-z]+$/.test(method)) {
    throw usage('Give the request: mlgate explain (--user <name> | --group <name>...) <METHOD> <URL-or-path>.');
  }
  const body = requestBody(args);
  const principal = await explainPrincipal(store, args);

  // The policy as a replica loads it at start-up; only warnings (an invalid stored rule) are printed, on stderr.
  const logger = createLogger({
    level: 'warn',
    format: 'text',
    write: (line) => process.stderr.write(line + '\n'),
  });
  let data: object = runtimeData(config);
  const policy = await startPolicy(config, { logger, runtimeData: () => data });
  const patterns = await createPatternChecker(await readBundle(defaultBundlePath()));
  let rules: readonly RegexRuleRecord[] = [];
  const live = createLiveData({
    version: store.permissionVersion,
    // The rules the data is built from, kept to explain a rule by its id.
    rules: {
      listForPolicy: async () => (rules = await store.regexRules.list()),
      // Read once: every rule is read, by listForPolicy.
      listForPrincipals: (principals) => store.regexRules.listForPrincipals(principals),
    },
    groups: store.groups,
    baseData: runtimeData(config),
    install: (next) => {
      data = next;
      return policy.engine.setData(next);
    },
    isValidPattern: (pattern) => patterns.problem(pattern) === null,
    limits: ruleLimits(config),
    intervalMs: config.permissions.refresh_interval_ms,
    maxStaleMs: config.permissions.max_stale_ms,
    logger,
  });
  await live.start();
  live.stop();

  const client = createMlflowClient({
    baseUrl: config.upstream.url,
    timeoutMs: config.upstream.lookup_timeout_ms,
    maxResponseBytes: config.upstream.lookup_max_response_bytes,
  });
  const explanation = await explainRequest(
    {
      routes: createRouteTable(ROUTES),
      targets: {
        resolver: createResolver({ client, maxEntries: config.cache.run_max_entries, missingTtlMs: 0 }),
        // Straight from the store: the explanation shows the grants as they are now.
        grantSource: store.grants,
        maxResources: config.server.max_resources_per_request,
        names: createExperimentNames({
          client,
          ttlMs: 0,
          maxEntries: config.cache.run_max_entries,
          needed: () => live.hasRules(),
        }),
      },
      policy: policy.engine.snapshot(),
      rules,
      defaultPermission: config.permissions.default,
      adminGroups: config.auth.admin_groups,
      maxBodyBytes: config.server.max_json_body_bytes,
      now: new Date(),
    },
    principal,
    { method, url: args.url, headers: requestHeaders(args.headers), ...(body === undefined ? {} : { body }) },
  );
  const status = policy.engine.status();
  const dataVersion = live.status().version;
  return {
    data: { ...explanation, policy_source: status.source, permission_data_version: dataVersion },
    lines: renderExplanation(explanation, { policySource: status.source, dataVersion }),
    exitCode: explanation.allowed ? 0 : EXIT_REFUSED,
  };
}

/**
 * Who the request is explained for: a stored user as the gateway sees them when they authenticate (the store's
 * admin flag, their stored and provider groups), or a hypothetical member of the given groups (username
 * GROUP_MEMBER, which no user can have, so no user grant or user regex rule applies; --admin sets the flag).
 */
export async function explainPrincipal(
  store: Pick<Store, 'users'>,
  args: Pick<ExplainArgs, 'user' | 'groups' | 'admin'>,
): Promise<Principal & { readonly username: string }> {
  if ((args.user === undefined) === (args.groups.length === 0)) {
    throw usage('Give either --user <name>, or one or more --group <name> (with --admin for an administrator).');
  }
  if (args.user !== undefined) {
    if (args.admin) {
      throw usage('--admin goes with --group: a stored user is explained with their own admin flag.');
    }
    const username = requireUsername(args.user);
    const user = await store.users.get(username);
    if (user === null) {
      throw new MlgateError('MLGATE_NO_SUCH_OBJECT', `User "${username}" does not exist.`);
    }
    return { ...userPrincipal(user, 'basic'), username: user.username };
  }
  return {
    authenticated: true,
    username: GROUP_MEMBER,
    isAdmin: args.admin,
    groups: [...new Set(args.groups.map(requireGroup))],
    method: 'basic',
  };
}

function requestBody(args: Pick<ExplainArgs, 'body' | 'bodyFile'>): Buffer | undefined {
  if (args.body !== undefined && args.bodyFile !== undefined) {
    throw usage('Give at most one of --body <json> and --body-file <file>.');
  }
  if (args.bodyFile !== undefined) {
    try {
      return readFileSync(args.bodyFile);
    } catch (error) {
      throw usage(`Cannot read --body-file ${args.bodyFile}: ${(error as Error).message}.`);
    }
  }
  return args.body === undefined ? undefined : Buffer.from(args.body, 'utf8');
}

/** --header "Name: value" options as request headers by lower-case name, repeats kept. */
export function requestHeaders(values: readonly string[]): Record<string, string[]> {
  const headers: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const value of values) {
    const at = value.indexOf(':');
    const name = value.slice(0, at).trim().toLowerCase();
    if (at <= 0 || !/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) {
      throw usage(`--header must be "Name: value" (got ${JSON.stringify(value)}).`);
    }
    (headers[name] ??= []).push(value.slice(at + 1).trim());
  }
  return headers;
}
