#!/usr/bin/env node
/**
 * The mlgate command line: `serve` runs the gateway; the other commands
 * manage users, tokens and grants in MongoDB and check the configuration.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';

import { loadOidcSettings } from '../auth/oidc/settings.js';
import { createTokenService } from '../auth/token-service.js';
import { DEVELOPMENT_TOKEN_KEY_WARNING, tokenSettings } from '../auth/token-settings.js';
import { createTokenHasher, deriveTokenKey } from '../auth/tokens.js';
import { renderExampleConfig } from '../config/example.js';
import type { Config } from '../config/schema.js';
import { ConfigError, type LoadedConfig, describeConfig, loadConfig } from '../config/load.js';
import { MlgateError, toMlgateError } from '../errors.js';
import { defaultBundlePath } from '../paths.js';
import { readBundle } from '../policy/bundle.js';
import { createPatternChecker } from '../policy/patterns.js';
import { ruleLimits } from '../policy/rule-limits.js';
import { argumentsFirst } from './with-store.js';
import type { Store } from '../store/types.js';
import {
  type Output,
  createToken,
  createUser,
  deleteUser,
  listTokens,
  listUsers,
  revokeToken,
  setAdmin,
  setGroups,
} from './admin-commands.js';
import { createMlflowClient } from '../mlflow/client.js';
import { applyFile, exportFile } from './apply-commands.js';
import { grant, listGrants, revoke } from './grant-commands.js';
import { createGroup, deleteGroup, listGroups, setGroup } from './group-commands.js';
import { explainCommand } from './explain-command.js';
import { addRule, listRules, removeRule } from './rule-commands.js';
import { startGateway } from './serve.js';
import { listSessions, revokeSessions } from './session-commands.js';

const HELP = `mlgate: policy gateway in front of an MLflow tracking server

Usage:
  mlgate serve                                   run the gateway
  mlgate config check                            validate the configuration and print it
  mlgate config example                          print the documented default configuration (YAML)
  mlgate user create <username> [--admin] [--group <name>]...
  mlgate user list
  mlgate user set-admin <username> <true|false>
  mlgate user set-groups <username> [--group <name>]...   replaces the user's groups
  mlgate user delete <username>                  also revokes their tokens and removes their own grants
  mlgate token create <username> [--name <name>] [--expires-in <90d|12h|30m|3600s|never>]
                                                 print a new access token (shown once); the name is unique
                                                 per user; without --expires-in, tokens.default_lifetime_days
  mlgate token list <username>                   id, name, created, expires, last used (never the token)
  mlgate token revoke <username> <token-id>
  mlgate session list <username>                 the user's browser sessions
  mlgate session revoke <username> [<session-id>]   sign the user out (of one session, or of all)
  mlgate group create <name> [--description <text>] [--creator-permission <READ|USE|EDIT|MANAGE|none>]
                                                 define a group before any member signs in; members' new
                                                 experiments grant the group the creator permission
  mlgate group list                              the defined groups
  mlgate group set <name> [--description <text>] [--creator-permission <LEVEL|none>]
  mlgate group delete <name>                     removes the group, its grants and rules, and its members
  mlgate grant <resource> (--user <name> | --group <name>) --permission <READ|USE|EDIT|MANAGE|NO_PERMISSIONS>
  mlgate revoke <resource> (--user <name> | --group <name>)
  mlgate grants <resource>                       <resource>: --experiment <id>, --registered-model <name>,
                                                 --prompt <name>, --gateway-endpoint <id>,
                                                 --gateway-model-definition <id>
                                                 or --mcp-server <namespace/slug>
  mlgate rule add (--user <name> | --group <name>) --pattern <regex> --priority <n> --permission <LEVEL>
                  [--type <experiment|registered_model|prompt|gateway_endpoint|...>]
                                                 a regex rule on resource names: RE2 syntax, matched against
                                                 the whole name; among matching rules the lowest priority number
                                                 decides; NO_PERMISSIONS denies
  mlgate rule list                               every regex rule, with its id
  mlgate rule remove <id>
  mlgate apply <file> [--dry-run] [--owner <name>]
                                                 reconcile groups, grants and regex rules with a permissions
                                                 file: creates and updates what it declares, deletes what an
                                                 earlier apply of the same owner made and it no longer declares;
                                                 --dry-run prints the changes only
  mlgate export [--owner <name>]                 the store's groups, grants and rules as a permissions file
                                                 (with --owner, only what that apply owner manages)
  mlgate explain (--user <name> | --group <name>... [--admin]) <METHOD> <URL-or-path>
                 [--body <json> | --body-file <file>] [--header 'Name: value']...
                                                 the gateway's decision on that request, with the reasons and the
                                                 grant or rule that decided, from the configured policy, MongoDB
                                                 and MLflow; --group: a hypothetical member of those groups;
                                                 exit status 0 when allowed, 3 when refused

Options:
  --config <file>   YAML configuration (default: $MLGATE_CONFIG, else built-in defaults)
  --json            print results as JSON
  -h, --help        show this help

Environment variables override the file: MLGATE_<SECTION>_<KEY> (e.g. MLGATE_UPSTREAM_URL),
and mlflow-oidc-auth names where they mean the same (MONGODB_URI, DEFAULT_MLFLOW_PERMISSION, ...).
See docs/configuration.md.
`;

const OPTIONS = {
  config: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  admin: { type: 'boolean', default: false },
  group: { type: 'string', multiple: true, default: [] as string[] },
  name: { type: 'string' },
  'expires-in': { type: 'string' },
  experiment: { type: 'string' },
  'registered-model': { type: 'string' },
  type: { type: 'string' },
  prompt: { type: 'string' },
  'gateway-endpoint': { type: 'string' },
  'mcp-server': { type: 'string' },
  'gateway-model-definition': { type: 'string' },
  user: { type: 'string' },
  permission: { type: 'string' },
  pattern: { type: 'string' },
  priority: { type: 'string' },
  description: { type: 'string' },
  'creator-permission': { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  owner: { type: 'string' },
  body: { type: 'string' },
  'body-file': { type: 'string' },
  header: { type: 'string', multiple: true, default: [] as string[] },
} satisfies ParseArgsConfig['options'];

function parseOptions(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    process.stderr.write(`mlgate: ${(error as Error).message}\nRun "mlgate help" for usage.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, sub, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined && !values.help ? 2 : 0;
  }

  if (command === 'config' && sub === 'example') {
    // The documented defaults: needs no valid configuration.
    process.stdout.write(renderExampleConfig());
    return 0;
  }
  let loaded: LoadedConfig;
  try {
    const file = values.config ?? env['MLGATE_CONFIG'];
    loaded = loadConfig({ ...(file === undefined || file === '' ? {} : { file }), env });
    if (command === 'serve' || command === 'config') {
      // The browser-login settings too (the providers file is read and checked): every problem before starting.
      loadOidcSettings(loaded.config, { env, readFile: (path) => readFileSync(path, 'utf8') });
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`mlgate: ${error.message}\n`);
      return 2;
    }
    throw error;
  }

  try {
    if (command === 'serve') {
      return await serve(loaded);
    }
    if (command === 'config' && sub === 'check') {
      for (const line of [...describeConfig(loaded), ...loaded.warnings.map((w) => `warning: ${w}`)]) {
        process.stdout.write(line + '\n');
      }
      return 0;
    }
    if (command === 'token' && loaded.config.session.secret_key === '') {
      process.stderr.write(`mlgate: warning: ${DEVELOPMENT_TOKEN_KEY_WARNING}\n`);
    }
    const output = await argumentsFirst(loaded, (store) =>
      runAdminCommand(store, loaded.config, command, sub, rest, values),
    );
    process.stdout.write(values.json ? JSON.stringify(output.data) + '\n' : output.lines.map((l) => l + '\n').join(''));
    return output.exitCode ?? 0;
  } catch (thrown) {
    const error = toMlgateError(thrown);
    process.stderr.write(`mlgate: ${error.message} [${error.code}]\n`);
    if (error.code === 'MLGATE_INTERNAL') {
      process.stderr.write(`${String((thrown as Error).stack ?? thrown)}\n`);
    }
    // A value the command line got wrong (a lifetime, a token name) is a usage error too.
    const usage = [
      'MLGATE_USAGE',
      'MLGATE_TOKEN_EXPIRY_INVALID',
      'MLGATE_REQUEST_INVALID',
      'MLGATE_PATTERN_INVALID',
      'MLGATE_PERMISSIONS_FILE_INVALID',
      'MLGATE_RULE_LIMIT',
    ];
    return usage.includes(error.code) ? 2 : 1;
  }
}

type Values = {
  admin: boolean;
  group: string[];
  name?: string | undefined;
  'expires-in'?: string | undefined;
  experiment?: string | undefined;
  'registered-model'?: string | undefined;
  type?: string | undefined;
  prompt?: string | undefined;
  'gateway-endpoint'?: string | undefined;
  'mcp-server'?: string | undefined;
  'gateway-model-definition'?: string | undefined;
  user?: string | undefined;
  permission?: string | undefined;
  pattern?: string | undefined;
  priority?: string | undefined;
  description?: string | undefined;
  'creator-permission'?: string | undefined;
  'dry-run': boolean;
  owner?: string | undefined;
  body?: string | undefined;
  'body-file'?: string | undefined;
  header: string[];
};

async function runAdminCommand(
  store: Store,
  config: Config,
  command: string,
  sub: string | undefined,
  rest: string[],
  values: Values,
): Promise<Output> {
  const tokens = createTokenService({
    tokens: store.tokens,
    users: store.users,
    hasher: createTokenHasher(deriveTokenKey(config.session.secret_key)),
    settings: tokenSettings(config),
  });
  switch (`${command} ${sub ?? ''}`.trim()) {
    case 'user create':
      return createUser(store, { username: rest[0], admin: values.admin, groups: values.group });
    case 'user list':
      return listUsers(store);
    case 'user set-admin':
      return setAdmin(store, { username: rest[0], value: rest[1] });
    case 'user set-groups':
      return setGroups(store, { username: rest[0], groups: values.group });
    case 'user delete':
      return deleteUser(store, { username: rest[0] });
    case 'token create':
      return createToken(tokens, { username: rest[0], name: values.name, expiresIn: values['expires-in'] });
    case 'token list':
      return listTokens(tokens, { username: rest[0] });
    case 'token revoke':
      return revokeToken(tokens, { username: rest[0], id: rest[1] });
    case 'session list':
      return listSessions(store, { username: rest[0] });
    case 'session revoke':
      return revokeSessions(store, { username: rest[0], id: rest[1] });
    case 'rule add':
      return addRule(store, await createPatternChecker(await readBundle(defaultBundlePath())), ruleLimits(config), {
        user: values.user,
        group: values.group[0],
        pattern: values.pattern,
        priority: values.priority,
        permission: values.permission,
        type: values.type,
      });
    case 'group create':
    case 'group set': {
      const args = { name: rest[0], description: values.description, creatorPermission: values['creator-permission'] };
      return sub === 'create' ? createGroup(store, args) : setGroup(store, args);
    }
    case 'group list':
      return listGroups(store);
    case 'group delete':
      return deleteGroup(store, { name: rest[0] });
    case 'rule list':
      return listRules(store);
    case 'rule remove':
      return removeRule(store, { id: rest[0] });
  }
  const resources = {
    experiment: values.experiment,
    'registered-model': values['registered-model'],
    prompt: values.prompt,
    'gateway-endpoint': values['gateway-endpoint'],
    'mcp-server': values['mcp-server'],
    'gateway-model-definition': values['gateway-model-definition'],
  };
  switch (command) {
    case 'explain':
      return explainCommand(store, config, {
        method: sub,
        url: rest[0],
        user: values.user,
        groups: values.group,
        admin: values.admin,
        body: values.body,
        bodyFile: values['body-file'],
        headers: values.header,
      });
    case 'grant':
      return grant(store, { ...resources, user: values.user, group: values.group[0], permission: values.permission });
    case 'apply':
      return applyFile(
        {
          store,
          patterns: async () => createPatternChecker(await readBundle(defaultBundlePath())),
          limits: ruleLimits(config),
          experimentIdByName: () => {
            const client = createMlflowClient({
              baseUrl: config.upstream.url,
              timeoutMs: config.upstream.lookup_timeout_ms,
              maxResponseBytes: config.upstream.lookup_max_response_bytes,
              // No kept-alive sockets, whatever upstream.keep_alive says: the command ends when its work does.
              keepAlive: false,
            });
            return Promise.resolve((name: string) => client.experimentIdByName(name));
          },
        },
        { file: sub, dryRun: values['dry-run'], owner: values.owner },
      );
    case 'export':
      return exportFile(store, { owner: values.owner });
    case 'revoke':
      return revoke(store, { ...resources, user: values.user, group: values.group[0] });
    case 'grants':
      return listGrants(store, resources);
  }
  throw new MlgateError(
    'MLGATE_USAGE',
    `Unknown command "${[command, sub].filter(Boolean).join(' ')}". Run "mlgate help" for usage.`,
  );
}

async function serve(loaded: LoadedConfig): Promise<number> {
  let gateway;
  try {
    gateway = await startGateway(loaded);
  } catch (error) {
    const mlgateError = error instanceof MlgateError ? error : toMlgateError(error);
    process.stderr.write(`mlgate: cannot start: ${mlgateError.message} [${mlgateError.code}]\n`);
    return 1;
  }
  const running = gateway;
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      running.logger.info('stopping', { signal });
      void running.stop().then(resolve, resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}

// Run when executed (node dist/src/cli/main.js, or the npm bin link to it), not when imported by tests.
const invokedDirectly =
  process.argv[1] !== undefined && realpathSync(fileURLToPath(import.meta.url)) === realpathSync(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`mlgate: unexpected error: ${String((error as Error).stack ?? error)}\n`);
      process.exitCode = 1;
    },
  );
}
