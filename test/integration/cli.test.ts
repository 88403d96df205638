import { writeFileSync } from 'node:fs';

import { expect } from 'chai';

import { openMongoStore } from '../../src/store/mongo/store.js';
import { type CliResult, type FerretDB, newSecretKey, runCli, startFerretDB } from '../../scripts/services.js';
import { tempDir } from '../helpers/tmp.js';

/** Asserts the CLI's exit status; when it is another, the message carries what the CLI printed on stderr. */
function expectExit(result: CliResult, code: number, what?: string): void {
  const killed = result.signal === null ? '' : ` (killed by ${result.signal})`;
  expect(
    result.code,
    `${what === undefined ? '' : `${what}: `}exit status${killed}; stderr: ${result.stderr}`,
  ).to.equal(code);
}

describe('mlgate CLI', () => {
  const tmp = tempDir('cli');
  let ferret: FerretDB;
  let env: Record<string, string>;

  before(async () => {
    ferret = await startFerretDB(tmp.path);
    env = { MONGODB_URI: ferret.uri, MLGATE_MONGODB_DATABASE: 'cli_test', SECRET_KEY: newSecretKey() };
  });

  after(async () => {
    await ferret?.stop();
    tmp.remove();
  });

  it('creates users, lower-casing names, and lists them', async () => {
    expectExit(await runCli(['user', 'create', 'Alice', '--group', 'team-a', '--group', 'team-b'], env), 0);
    const admin = await runCli(['user', 'create', 'root', '--admin'], env);
    expect(admin.stdout).to.include('Created administrator root.');
    const list = await runCli(['user', 'list', '--json'], env);
    const users = (JSON.parse(list.stdout) as { created_at: string }[]).map(({ created_at, ...rest }) => {
      expect(Date.parse(created_at)).to.be.a('number').and.not.NaN;
      return rest;
    });
    expect(users).to.deep.equal([
      { username: 'alice', is_admin: false, groups: ['team-a', 'team-b'] },
      { username: 'root', is_admin: true, groups: [] },
    ]);
  });

  it('changes the admin flag and the groups, and deletes a user with their tokens and grants', async () => {
    await runCli(['user', 'create', 'temp', '--group', 'x'], env);
    await runCli(['token', 'create', 'temp'], env);
    await runCli(['grant', '--experiment', '9', '--user', 'temp', '--permission', 'READ'], env);
    expect((await runCli(['user', 'set-admin', 'temp', 'true'], env)).stdout).to.include(
      'temp is now an administrator.',
    );
    expect((await runCli(['user', 'set-groups', 'temp', '--group', 'y', '--group', 'z'], env)).stdout).to.include(
      'groups y, z',
    );
    const listed = JSON.parse((await runCli(['user', 'list', '--json'], env)).stdout) as {
      username: string;
      is_admin: boolean;
      groups: string[];
    }[];
    expect(listed.find((u) => u.username === 'temp')).to.deep.include({ is_admin: true, groups: ['y', 'z'] });
    const deleted = await runCli(['user', 'delete', 'temp', '--json'], env);
    expect(JSON.parse(deleted.stdout)).to.deep.equal({
      username: 'temp',
      deleted: true,
      tokens_revoked: 1,
      grants_removed: 1,
      rules_removed: 0,
    });
    expectExit(await runCli(['user', 'delete', 'temp'], env), 1);
    expectExit(await runCli(['user', 'set-admin', 'temp', 'maybe'], env), 2);
  });

  it('refuses a duplicate user (exit 1) and a bad name (exit 2)', async () => {
    const duplicate = await runCli(['user', 'create', 'alice'], env);
    expectExit(duplicate, 1);
    expect(duplicate.stderr).to.include('User "alice" already exists.').and.to.include('[MLGATE_CONFLICT]');
    const bad = await runCli(['user', 'create', 'no spaces'], env);
    expectExit(bad, 2);
    expect(bad.stderr).to.include('[MLGATE_USAGE]');
  });

  it('prints a new token once, on stdout alone, and lists it by id only', async () => {
    const created = await runCli(['token', 'create', 'alice', '--name', 'ci', '--expires-in', '30d'], env);
    expectExit(created, 0);
    const token = created.stdout.trim();
    expect(token).to.match(/^mlg_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const listed = await runCli(['token', 'list', 'alice', '--json'], env);
    const tokens = JSON.parse(listed.stdout) as { id: string; name: string; expires_at: string }[];
    expect(tokens).to.have.length(1);
    expect(tokens[0]).to.include({ id: token.slice(4, 20), name: 'ci', last_used_at: null });
    expect(Date.parse(tokens[0]?.expires_at as string) - Date.now()).to.be.within(29.9 * 86_400_000, 30 * 86_400_000);
    expect(listed.stdout).to.not.include(token.slice(-43));
    const duplicate = await runCli(['token', 'create', 'alice', '--name', 'ci'], env);
    expectExit(duplicate, 1);
    expect(duplicate.stderr).to.include('already has a token named "ci"').and.include('[MLGATE_CONFLICT]');
    const revoked = await runCli(['token', 'revoke', 'alice', tokens[0]?.id as string], env);
    expectExit(revoked, 0);
    expect(JSON.parse((await runCli(['token', 'list', 'alice', '--json'], env)).stdout)).to.deep.equal([]);
  });

  it('refuses a token for an unknown user and a malformed expiry', async () => {
    expect((await runCli(['token', 'create', 'ghost'], env)).stderr).to.include('[MLGATE_NO_SUCH_OBJECT]');
    const bad = await runCli(['token', 'create', 'alice', '--expires-in', 'tomorrow'], env);
    expectExit(bad, 2);
    expect(bad.stderr).to.include('is not a lifetime').and.include('[MLGATE_TOKEN_EXPIRY_INVALID]');
    for (const expiresIn of ['never', '367d']) {
      const refused = await runCli(['token', 'create', 'alice', '--expires-in', expiresIn], env);
      expectExit(refused, 2, expiresIn);
      expect(refused.stderr, expiresIn).to.include('[MLGATE_TOKEN_EXPIRY_INVALID]');
    }
    const forever = await runCli(['token', 'create', 'alice', '--name', 'forever', '--expires-in', 'never', '--json'], {
      ...env,
      MLGATE_TOKENS_ALLOW_NO_EXPIRY: 'true',
    });
    expect(JSON.parse(forever.stdout)).to.include({ name: 'forever', expires_at: null });
  });

  it("replaces the user's other tokens with tokens.replace_on_create, and warns about the development key", async () => {
    const replacing = { ...env, MLGATE_TOKENS_REPLACE_ON_CREATE: 'true' };
    await runCli(['token', 'create', 'root', '--name', 'one'], replacing);
    const second = JSON.parse((await runCli(['token', 'create', 'root', '--json'], replacing)).stdout) as {
      id: string;
      replaced: string[];
    };
    expect(second.replaced).to.have.length(1);
    const listed = JSON.parse((await runCli(['token', 'list', 'root', '--json'], env)).stdout) as { id: string }[];
    expect(listed.map((t) => t.id)).to.deep.equal([second.id]);
    const withoutSecret = Object.fromEntries(Object.entries(env).filter(([name]) => name !== 'SECRET_KEY'));
    const development = await runCli(['token', 'list', 'root'], {
      ...withoutSecret,
      MLGATE_SERVER_MODE: 'development',
    });
    expect(development.stderr).to.include('public development key');
  });

  it('grants, lists and revokes permissions for users and groups', async () => {
    expectExit(await runCli(['grant', '--experiment', '3', '--user', 'alice', '--permission', 'read'], env), 0);
    expectExit(await runCli(['grant', '--experiment', '3', '--group', 'team-b', '--permission', 'EDIT'], env), 0);
    const listed = await runCli(['grants', '--experiment', '3', '--json'], env);
    expect(JSON.parse(listed.stdout)).to.deep.equal([
      { principal_type: 'group', principal: 'team-b', permission: 'EDIT' },
      { principal_type: 'user', principal: 'alice', permission: 'READ' },
    ]);
    expectExit(await runCli(['revoke', '--experiment', '3', '--user', 'alice'], env), 0);
    const again = await runCli(['revoke', '--experiment', '3', '--user', 'alice'], env);
    expectExit(again, 1);
    expect(again.stderr).to.include('has no grant on experiment 3');
  });

  it('refuses incomplete or contradictory grant commands with exit status 2', async () => {
    for (const args of [
      ['grant', '--experiment', '3', '--permission', 'READ'],
      ['grant', '--experiment', '3', '--user', 'a', '--group', 'b', '--permission', 'READ'],
      ['grant', '--experiment', 'abc', '--user', 'a', '--permission', 'READ'],
      ['grant', '--experiment', '3', '--user', 'a', '--permission', 'OWNER'],
      ['frobnicate'],
    ]) {
      const result = await runCli(args, env);
      expectExit(result, 2, args.join(' '));
      expect(result.stderr, args.join(' ')).to.include('mlgate help');
    }
  });

  it('reports every configuration problem and exits with status 2', async () => {
    const result = await runCli(['user', 'list'], {
      ...env,
      MLGATE_SERVER_PORT: 'x',
      DEFAULT_MLFLOW_PERMISSION: 'ALL',
    });
    expectExit(result, 2);
    expect(result.stderr).to.include('2 problem(s)');
    expect(result.stderr).to.include('MLGATE_SERVER_PORT (server.port): must be an integer');
    expect(result.stderr).to.include('DEFAULT_MLFLOW_PERMISSION (permissions.default): must be one of');
  });

  it('checks the browser-login settings and the providers file too, every problem listed; secrets hidden', async () => {
    const file = `${tmp.path}/providers.yaml`;
    writeFileSync(file, '- id: Bad\n  discovery_url: http://idp.example/x\n  client_id: c\n');
    const broken = await runCli(['config', 'check'], {
      ...env,
      OIDC_DISCOVERY_URL: 'https://idp.example/.well-known/openid-configuration',
      AUTH_PROVIDERS_FILE: file,
    });
    expectExit(broken, 2);
    expect(broken.stderr).to.include('3 problem(s)');
    expect(broken.stderr).to.include('oidc.client_id: must not be empty');
    expect(broken.stderr).to.include(`oidc.providers_file (${file}): 0.id: must be`);
    expect(broken.stderr).to.include(`oidc.providers_file (${file}): 0.discovery_url: must use https`);
    const fine = await runCli(['config', 'check'], {
      ...env,
      OIDC_DISCOVERY_URL: 'https://idp.example/.well-known/openid-configuration',
      OIDC_CLIENT_ID: 'mlgate',
      OIDC_CLIENT_SECRET: 'the-client-secret',
    });
    expectExit(fine, 0);
    expect(fine.stdout).to.include('oidc.client_id = "mlgate"  (env:OIDC_CLIENT_ID)');
    expect(fine.stdout).to.include('oidc.client_secret = <set>  (env:OIDC_CLIENT_SECRET)');
    expect(fine.stdout).to.not.include('the-client-secret');
  });

  it('prints the effective configuration with secrets hidden', async () => {
    const result = await runCli(['config', 'check'], { ...env, SECRET_KEY: 's'.repeat(40) });
    expectExit(result, 0);
    expect(result.stdout).to.include('session.secret_key = <set>  (env:SECRET_KEY)');
    expect(result.stdout).to.include('mongodb.uri = <set>  (env:MONGODB_URI)');
    expect(result.stdout).to.not.include('s'.repeat(40));
  });

  it("lists a user's browser sessions by a short id and signs the user out of one or all", async () => {
    const store = await openMongoStore({ uri: ferret.uri, database: 'cli_test', timeoutMs: 5000 });
    try {
      const expiresAt = new Date(Date.now() + 60_000);
      for (const id of ['aaaaaaaa-first-session-id', 'bbbbbbbb-second-session-id', 'cccccccc-third']) {
        await store.sessions.put({ id, username: 'sid', expiresAt, data: { createdAt: 'then' } });
      }
      const listed = JSON.parse((await runCli(['session', 'list', 'sid', '--json'], env)).stdout) as { id: string }[];
      expect(listed.map((s) => s.id).sort()).to.deep.equal(['aaaaaaaa', 'bbbbbbbb', 'cccccccc']);
      const one = await runCli(['session', 'revoke', 'sid', 'aaaaaaaa'], env);
      expectExit(one, 0);
      expect(await store.sessions.get('aaaaaaaa-first-session-id')).to.be.null;
      expectExit(await runCli(['session', 'revoke', 'sid', 'aaaa'], env), 1); // too short to name one
      const all = await runCli(['session', 'revoke', 'sid'], env);
      expect(all.stdout).to.include('Signed sid out of 2 session(s).');
      expect(await store.sessions.listForUser('sid')).to.deep.equal([]);
    } finally {
      await store.close();
    }
  });

  it('says clearly when MongoDB cannot be reached', async () => {
    const result = await runCli(['user', 'list'], {
      ...env,
      MONGODB_URI: 'mongodb://127.0.0.1:1/',
      MLGATE_MONGODB_TIMEOUT_MS: '300',
    });
    expectExit(result, 1);
    expect(result.stderr).to.include('Cannot connect to MongoDB at mongodb://127.0.0.1:1/');
    expect(result.stderr).to.include('[MLGATE_STORE_UNAVAILABLE]');
  });

  it('refuses wrong arguments (exit 2) without connecting to MongoDB first', async () => {
    // A MongoDB that never answers, with a long timeout: a usage error must not wait for it.
    const down = { ...env, MONGODB_URI: 'mongodb://127.0.0.1:1/', MLGATE_MONGODB_TIMEOUT_MS: '20000' };
    for (const args of [
      ['grant', '--user', 'alice', '--permission', 'READ'],
      ['rule', 'add', 'experiment'],
      ['user', 'create'],
      ['grants', '--experiment', '007'],
      ['explain', 'GET'],
    ]) {
      const started = Date.now();
      const result = await runCli(args, down);
      expectExit(result, 2, args.join(' '));
      expect(result.stderr, args.join(' ')).to.include('[MLGATE_USAGE]').and.not.include('MongoDB');
      expect(Date.now() - started, `${args.join(' ')}: ms`).to.be.below(10_000);
    }
  });
});
