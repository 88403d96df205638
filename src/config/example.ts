/**
 * Renders the documented example configuration (config/mlgate.yaml) from the
 * option table, so the file can never drift from what mlgate accepts.
 */
import { stringify } from 'yaml';

import { OPTIONS, type OptionSpec, envNameOf } from './schema.js';

const SECTION_TITLES: Readonly<Record<string, string>> = {
  server: "The gateway's own HTTP listener.",
  upstream: 'The MLflow tracking server behind the gateway.',
  mongodb: 'MongoDB: users, groups, grants and access tokens, shared by every replica.',
  policy: 'The authorization policy (Rego compiled to WebAssembly).',
  auth: 'Authentication.',
  permissions: 'Permissions: the default, the order of the permission sources, and live permission data.',
  artifacts: 'Where artifacts may be stored.',
  cache: 'In-process caches and their staleness bound.',
  session: 'Browser sessions.',
  logging: 'Logging.',
  jwt: 'JWT bearer tokens from an OpenID Connect provider (Authorization: Bearer, MLFLOW_TRACKING_TOKEN).',
  proxy_auth: 'Identity from a trusted authenticating proxy in front of mlgate (oauth2-proxy and the like).',
  tokens: 'Access tokens for HTTP Basic (the MLflow client): lifetimes and limits.',
  throttle: 'Failed-credential throttling, shared by every replica through MongoDB.',
};

export function renderExampleConfig(): string {
  const lines = [
    '# mlgate configuration. Every option is listed with its default; delete what you do not change.',
    '# Environment variables override this file: MLGATE_<SECTION>_<KEY> (e.g. MLGATE_SERVER_PORT),',
    '# and the mlflow-oidc-auth names noted below. Run "mlgate config check" to validate and print it.',
    '# This file is generated from src/config/schema.ts ("mlgate config example").',
  ];
  let section = '';
  // Grouped by section in order of first appearance: rows added later to a section (in a block of their own at the
  // end of OPTIONS) are written under it, so the file never repeats a YAML key.
  const sections = [...new Set(OPTIONS.map((option) => option.path.split('.')[0] as string))];
  const ordered = sections.flatMap((name) => OPTIONS.filter((option) => option.path.split('.')[0] === name));
  for (const option of ordered) {
    const [name, key] = option.path.split('.') as [string, string];
    if (name !== section) {
      section = name;
      lines.push('', `# ${SECTION_TITLES[name] ?? name}`, `${name}:`);
    }
    for (const line of wrap(describe(option), 84)) {
      lines.push(`  # ${line}`);
    }
    lines.push(
      `  ${key}: ${stringify(option.default, { collectionStyle: 'flow', flowCollectionPadding: false, lineWidth: 0 }).trim()}`,
    );
  }
  return lines.join('\n') + '\n';
}

function describe(option: OptionSpec): string {
  const env = [envNameOf(option.path), ...(option.aliases ?? [])].join(', ');
  let constraint = '';
  switch (option.type) {
    case 'integer':
      constraint = ` Range ${option.min}..${option.max}.`;
      break;
    case 'enum':
      constraint = ` One of: ${option.values.join(', ')}.`;
      break;
    default:
      break;
  }
  return `${option.description}${constraint} Env: ${env}.`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** The option table of docs/configuration.md (scripts/config-docs.ts writes it there; a test checks it). */
export function renderOptionsTable(): string {
  const rows = OPTIONS.map((option) => {
    const env = [envNameOf(option.path), ...(option.aliases ?? [])].map((name) => `\`${name}\``).join(', ');
    const cells = [`\`${option.path}\``, option.type, `\`${JSON.stringify(option.default)}\``, env, option.description];
    return `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;
  });
  return ['| option | type | default | environment | meaning |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}
