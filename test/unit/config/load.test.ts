import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { expect } from 'chai';
import { parse } from 'yaml';

import { renderExampleConfig, renderOptionsTable } from '../../../src/config/example.js';
import { ConfigError, loadConfig } from '../../../src/config/load.js';
import { OPTIONS, envNameOf } from '../../../src/config/schema.js';
import { packageRoot } from '../../../src/paths.js';

function problemsOf(run: () => unknown): { path: string; message: string; hint: string }[] {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  expect.fail('expected a ConfigError');
}

/** A local trial: production mode would refuse to start without SECRET_KEY. */
const DEV = { MLGATE_SERVER_MODE: 'development' };

describe('config loading', () => {
  it('uses the embedded defaults without a file or environment (development mode)', () => {
    const { config, origins } = loadConfig({ env: DEV });
    expect(config.server.port).to.equal(8080);
    expect(config.permissions.default).to.equal('NO_PERMISSIONS');
    expect(config.auth.admin_groups).to.deep.equal(['mlflow-admin']);
    expect(origins['server.port']).to.equal('default');
  });

  it('reads values from YAML', () => {
    const { config, origins } = loadConfig({
      text: 'server:\n  port: 9000\nupstream:\n  url: http://mlflow:5000\n',
      env: DEV,
    });
    expect(config.server.port).to.equal(9000);
    expect(config.upstream.url).to.equal('http://mlflow:5000');
    expect(origins['server.port']).to.equal('file');
  });

  it('lets MLGATE_* environment variables override the file', () => {
    const { config, origins } = loadConfig({
      text: 'server:\n  port: 9000\n',
      env: { ...DEV, MLGATE_SERVER_PORT: '9100' },
    });
    expect(config.server.port).to.equal(9100);
    expect(origins['server.port']).to.equal('env:MLGATE_SERVER_PORT');
  });

  it('accepts mlflow-oidc-auth variable names', () => {
    const { config } = loadConfig({
      env: {
        OIDC_ADMIN_GROUP_NAME: 'admins, platform',
        DEFAULT_MLFLOW_PERMISSION: 'read',
        SECRET_KEY: 'x'.repeat(40),
        MONGODB_URI: 'mongodb://db:27017',
        LOG_LEVEL: 'DEBUG',
      },
    });
    expect(config.auth.admin_groups).to.deep.equal(['admins', 'platform']);
    expect(config.permissions.default).to.equal('READ');
    expect(config.session.secret_key).to.have.length(40);
    expect(config.mongodb.uri).to.equal('mongodb://db:27017');
    expect(config.logging.level).to.equal('debug');
  });

  it('reports an alias and an MLGATE_ variable that disagree', () => {
    const problems = problemsOf(() =>
      loadConfig({ env: { ...DEV, MONGODB_URI: 'mongodb://a', MLGATE_MONGODB_URI: 'mongodb://b' } }),
    );
    expect(problems).to.have.length(1);
    expect(problems[0]?.path).to.equal('mongodb.uri');
    expect(problems[0]?.message).to.include('MLGATE_MONGODB_URI and MONGODB_URI');
  });

  it('reports a YAML syntax error with its line', () => {
    const problems = problemsOf(() => loadConfig({ file: 'mlgate.yaml', text: 'server:\n  port: [9000\n', env: {} }));
    expect(problems).to.have.length.greaterThan(0);
    expect(problems[0]?.path).to.match(/^mlgate\.yaml:\d+:\d+$/);
    expect(problems[0]?.message).to.include('YAML syntax error');
  });

  it('reports every problem at once: unknown keys, bad types, out-of-range values and bad enums', () => {
    const problems = problemsOf(() =>
      loadConfig({
        text: [
          'server:',
          '  prot: 9000',
          '  port: eighty',
          '  max_json_body_bytes: 10',
          'permissions:',
          '  default: OWNER',
          'upstream:',
          '  url: ftp://mlflow',
          'extras: {}',
        ].join('\n'),
        env: { ...DEV, MLGATE_CACHE_TTL_MS: 'soon', MLGATE_SERVR_HOST: 'x' },
      }),
    );
    const byPath = new Map(problems.map((p) => [p.path, p]));
    expect(byPath.get('server.prot')?.message).to.equal('unknown key');
    expect(byPath.get('server.prot')?.hint).to.equal('did you mean "server.port"?');
    expect(byPath.get('server.port')?.message).to.include('must be an integer');
    expect(byPath.get('server.max_json_body_bytes')?.message).to.include('must be between 1024');
    expect(byPath.get('permissions.default')?.message).to.include(
      'must be one of NO_PERMISSIONS, READ, USE, EDIT, MANAGE',
    );
    expect(byPath.get('upstream.url')?.message).to.include('must use http: or https:');
    expect(byPath.get('extras')?.message).to.equal('unknown key');
    expect(byPath.get('MLGATE_CACHE_TTL_MS (cache.ttl_ms)')?.message).to.include('must be an integer');
    expect(byPath.get('MLGATE_SERVR_HOST')?.message).to.equal('unknown environment variable');
    expect(byPath.get('MLGATE_SERVR_HOST')?.hint).to.equal('did you mean "MLGATE_SERVER_HOST"?');
    expect(problems).to.have.length(8);
  });

  it('lists every problem in the error message, one per line with path and hint', () => {
    try {
      loadConfig({ text: 'server:\n  port: -1\nlogging:\n  level: loud\n', env: DEV });
      expect.fail('expected a ConfigError');
    } catch (error) {
      const message = (error as Error).message;
      expect(message).to.include('2 problem(s)');
      expect(message).to.include('  - server.port: must be between 0 and 65535, got -1 (the default is 8080)');
      expect(message).to.include('  - logging.level: must be one of debug, info, warn, error');
      expect((error as ConfigError).code).to.equal('MLGATE_CONFIG_INVALID');
    }
  });

  it('refuses a short SECRET_KEY, and none in production mode; warns loudly without one in development', () => {
    const problems = problemsOf(() => loadConfig({ env: { SECRET_KEY: 'short' } }));
    expect(problems).to.have.length(1);
    expect(problems[0]?.message).to.include('at least 32 characters');
    const production = problemsOf(() => loadConfig({ env: {} }));
    expect(production).to.have.length(1);
    expect(production[0]?.path).to.equal('session.secret_key');
    expect(production[0]?.message).to.include('must be set in production mode');
    expect(production[0]?.hint).to.include('MLGATE_SERVER_MODE=development');
    const { warnings } = loadConfig({ env: DEV });
    expect(warnings.some((w) => w.includes('DEVELOPMENT MODE WITHOUT session.secret_key'))).to.be.true;
    expect(loadConfig({ env: { SECRET_KEY: 'k'.repeat(32) } }).warnings.join()).not.to.include('SECRET_KEY');
  });

  it('refuses a top level that is not a mapping, and a section that is not a mapping', () => {
    expect(problemsOf(() => loadConfig({ text: '- a\n- b\n', env: {} }))[0]?.message).to.include('top level');
    expect(problemsOf(() => loadConfig({ text: 'server: 8080\n', env: {} }))[0]?.message).to.include('mapping');
  });

  it('reports a configuration file that cannot be read', () => {
    const problems = problemsOf(() => loadConfig({ file: '/nonexistent/mlgate.yaml', env: {} }));
    expect(problems[0]?.message).to.include('cannot read the configuration file (ENOENT)');
  });

  it('freezes the configuration', () => {
    const { config } = loadConfig({ env: DEV });
    expect(Object.isFrozen(config)).to.be.true;
    expect(Object.isFrozen(config.server)).to.be.true;
  });

  it('derives environment variable names from key paths', () => {
    expect(envNameOf('server.max_json_body_bytes')).to.equal('MLGATE_SERVER_MAX_JSON_BODY_BYTES');
  });
});

describe('config/mlgate.yaml', () => {
  const file = join(packageRoot(), 'config', 'mlgate.yaml');
  const text = readFileSync(file, 'utf8');

  it('loads without problems', () => {
    expect(() => loadConfig({ file, env: DEV })).not.to.throw();
  });

  it('sets every option, at its default', () => {
    const document = parse(text) as Record<string, Record<string, unknown>>;
    for (const option of OPTIONS) {
      const [section, key] = option.path.split('.') as [string, string];
      expect(document[section], `section ${section}`).to.be.an('object');
      expect(document[section]?.[key], option.path).to.deep.equal(option.default);
    }
  });

  it('is exactly what "mlgate config example" renders from the option table', () => {
    expect(text).to.equal(renderExampleConfig());
  });

  it('is matched by docs/configuration.md, whose option table is rendered from the option table', () => {
    const docs = readFileSync(join(packageRoot(), 'docs', 'configuration.md'), 'utf8');
    // Regenerate with: node dist/scripts/config-docs.js
    expect(docs).to.include(renderOptionsTable() + '\n');
    const rows = docs.split('\n').filter((line) => line.startsWith('| `'));
    expect(rows, 'option rows of docs/configuration.md').to.have.length(OPTIONS.length);
    expect(docs).not.to.match(/^(<<<<<<<|=======|>>>>>>>)/m);
  });
});
