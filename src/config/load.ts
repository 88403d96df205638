/**
 * Loads the configuration once at start-up: the YAML file (optional), then
 * environment overrides, validated against the option table. Every problem is
 * collected and reported together, each with its key path and a hint.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';

import { MlgateError } from '../errors.js';
import { crossProblems, warningsFor } from './cross-checks.js';
import { type Config, type OptionSpec, OPTIONS, envNameOf } from './schema.js';

export interface ConfigProblem {
  /** Key path (e.g. "server.port"), environment variable, or the file name. */
  readonly path: string;
  readonly message: string;
  readonly hint: string;
}

export class ConfigError extends MlgateError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const lines = problems.map((p) => `  - ${p.path}: ${p.message} (${p.hint})`);
    super('MLGATE_CONFIG_INVALID', `Invalid configuration, ${problems.length} problem(s):\n${lines.join('\n')}`);
    this.problems = problems;
  }
}

export interface ConfigSource {
  /** Path of the YAML file, if any. */
  readonly file?: string;
  /** YAML text (used instead of reading `file`; for tests and `config check -`). */
  readonly text?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface LoadedConfig {
  readonly config: Config;
  /** Where each option's value came from: "default", "file" or "env:NAME". */
  readonly origins: Readonly<Record<string, string>>;
  /** Allowed-but-risky settings, to be logged at start-up. */
  readonly warnings: readonly string[];
}

/** Environment variables that name the configuration itself rather than an option. */
const RESERVED_ENV = new Set(['MLGATE_CONFIG']);

export function loadConfig(source: ConfigSource): LoadedConfig {
  const problems: ConfigProblem[] = [];
  const fileValues = readFileValues(source, problems);
  const values: Record<string, unknown> = {};
  const origins: Record<string, string> = {};

  for (const option of OPTIONS) {
    const fromEnv = readEnv(option, source.env, problems);
    if (fromEnv !== undefined) {
      const value = coerce(option, fromEnv.value, 'env', fromEnv.name, problems);
      values[option.path] = value;
      origins[option.path] = `env:${fromEnv.name}`;
    } else if (fileValues.has(option.path)) {
      values[option.path] = coerce(option, fileValues.get(option.path), 'file', option.path, problems);
      origins[option.path] = 'file';
    } else {
      values[option.path] = option.default;
      origins[option.path] = 'default';
    }
  }

  for (const name of Object.keys(source.env)) {
    if (name.startsWith('MLGATE_') && !RESERVED_ENV.has(name) && !OPTIONS.some((o) => envNameOf(o.path) === name)) {
      problems.push({
        path: name,
        message: 'unknown environment variable',
        hint: suggest(
          name,
          OPTIONS.map((o) => envNameOf(o.path)),
        ),
      });
    }
  }

  for (const problem of crossProblems(nest(values) as unknown as Config)) {
    if (!problems.some((p) => p.path.includes(problem.path))) {
      problems.push(problem);
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  const config = deepFreeze(nest(values)) as unknown as Config;
  return { config, origins, warnings: warningsFor(config) };
}

/** Reads the YAML file into a map of dotted key path -> raw value, reporting syntax errors and unknown keys. */
function readFileValues(source: ConfigSource, problems: ConfigProblem[]): Map<string, unknown> {
  const values = new Map<string, unknown>();
  let text = source.text;
  const label = source.file ?? '<config>';
  if (text === undefined && source.file !== undefined) {
    try {
      text = readFileSync(source.file, 'utf8');
    } catch (error) {
      problems.push({
        path: label,
        message: `cannot read the configuration file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
        hint: 'check the --config path or MLGATE_CONFIG',
      });
      return values;
    }
  }
  if (text === undefined || text.trim() === '') {
    return values;
  }
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      const where = error.linePos?.[0];
      problems.push({
        path: where ? `${label}:${where.line}:${where.col}` : label,
        message: `YAML syntax error: ${error.message.split('\n')[0]}`,
        hint: 'fix the YAML syntax (indentation, colons, quotes)',
      });
    }
    return values;
  }
  const root: unknown = document.toJS();
  if (root === null || root === undefined) {
    return values;
  }
  if (!isPlainObject(root)) {
    problems.push({
      path: label,
      message: 'the top level must be a mapping of sections',
      hint: 'see config/mlgate.yaml',
    });
    return values;
  }
  walk(root, '', values, problems);
  return values;
}

const OPTION_PATHS = new Set(OPTIONS.map((o) => o.path));
const SECTION_PATHS = new Set(OPTIONS.flatMap((o) => prefixesOf(o.path)));

function walk(
  node: Record<string, unknown>,
  prefix: string,
  out: Map<string, unknown>,
  problems: ConfigProblem[],
): void {
  for (const [key, value] of Object.entries(node)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (OPTION_PATHS.has(path)) {
      out.set(path, value);
    } else if (SECTION_PATHS.has(path)) {
      if (value === null) {
        continue;
      }
      if (!isPlainObject(value)) {
        problems.push({ path, message: 'must be a mapping of options', hint: 'see config/mlgate.yaml' });
        continue;
      }
      walk(value, path, out, problems);
    } else {
      problems.push({ path, message: 'unknown key', hint: suggest(path, [...OPTION_PATHS, ...SECTION_PATHS]) });
    }
  }
}

function readEnv(
  option: OptionSpec,
  env: Readonly<Record<string, string | undefined>>,
  problems: ConfigProblem[],
): { name: string; value: string } | undefined {
  const names = [envNameOf(option.path), ...(option.aliases ?? [])];
  const set = names.filter((name) => env[name] !== undefined && env[name] !== '');
  const first = set[0];
  if (first === undefined) {
    return undefined;
  }
  const conflicting = set.filter((name) => env[name] !== env[first]);
  if (conflicting.length > 0) {
    problems.push({
      path: option.path,
      message: `set to different values by ${[first, ...conflicting].join(' and ')}`,
      hint: 'set only one of these environment variables',
    });
  }
  return { name: first, value: env[first] as string };
}

function coerce(
  option: OptionSpec,
  raw: unknown,
  from: 'env' | 'file',
  where: string,
  problems: ConfigProblem[],
): unknown {
  const fail = (message: string, hint: string): unknown => {
    problems.push({ path: from === 'env' ? `${where} (${option.path})` : where, message, hint });
    return option.default;
  };
  switch (option.type) {
    case 'string': {
      if (typeof raw !== 'string') {
        return fail(`must be a string, got ${describe(raw)}`, 'quote the value');
      }
      if (option.required === true && raw.trim() === '') {
        return fail('must not be empty', `the default is "${option.default}"`);
      }
      if (option.minLength !== undefined && raw !== '' && raw.length < option.minLength) {
        return fail(`must be at least ${option.minLength} characters long`, 'use a longer random value');
      }
      return raw;
    }
    case 'url': {
      if (typeof raw !== 'string') {
        return fail(`must be a URL string, got ${describe(raw)}`, `e.g. ${option.default}`);
      }
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return fail('is not a valid URL', `e.g. ${option.default}`);
      }
      if (!option.protocols.includes(url.protocol)) {
        return fail(`must use ${option.protocols.join(' or ')}, got ${url.protocol}`, `e.g. ${option.default}`);
      }
      return raw;
    }
    case 'integer': {
      let value: number;
      if (from === 'env') {
        if (typeof raw !== 'string' || !/^-?\d+$/.test(raw.trim())) {
          return fail(`must be an integer, got "${String(raw)}"`, `between ${option.min} and ${option.max}`);
        }
        value = Number(raw.trim());
      } else if (typeof raw === 'number' && Number.isInteger(raw)) {
        value = raw;
      } else {
        return fail(`must be an integer, got ${describe(raw)}`, `between ${option.min} and ${option.max}`);
      }
      if (value < option.min || value > option.max) {
        return fail(
          `must be between ${option.min} and ${option.max}, got ${value}`,
          `the default is ${option.default}`,
        );
      }
      return value;
    }
    case 'enum': {
      const match =
        typeof raw === 'string' ? option.values.find((v) => v.toLowerCase() === raw.trim().toLowerCase()) : undefined;
      if (match === undefined) {
        return fail(
          `must be one of ${option.values.join(', ')}, got ${describe(raw)}`,
          `the default is ${option.default}`,
        );
      }
      return match;
    }
    case 'string-list': {
      const items = typeof raw === 'string' ? raw.split(',') : raw;
      if (!Array.isArray(items) || items.some((item) => typeof item !== 'string')) {
        return fail(
          `must be a list of strings, got ${describe(raw)}`,
          'e.g. [a, b] in YAML or "a,b" in the environment',
        );
      }
      return items.map((item: string) => item.trim()).filter((item) => item !== '');
    }
    case 'boolean': {
      if (typeof raw === 'boolean') {
        return raw;
      }
      const text = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
      if (text !== undefined && ['true', '1', 'yes', 'on'].includes(text)) {
        return true;
      }
      if (text !== undefined && ['false', '0', 'no', 'off'].includes(text)) {
        return false;
      }
      return fail(`must be true or false, got ${describe(raw)}`, `the default is ${String(option.default)}`);
    }
  }
}

/** Prints the effective configuration with secrets hidden (for `mlgate config check`). */
export function describeConfig(loaded: LoadedConfig): string[] {
  return OPTIONS.map((option) => {
    const value = lookup(loaded.config, option.path);
    const shown = option.secret === true && value !== '' ? '<set>' : JSON.stringify(value);
    return `${option.path} = ${shown}  (${loaded.origins[option.path] ?? 'default'})`;
  });
}

function lookup(config: Config, path: string): unknown {
  let node: unknown = config;
  for (const part of path.split('.')) {
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function nest(values: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(values)) {
    const parts = path.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1] as string] = value;
  }
  return root;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) {
      deepFreeze(item);
    }
    Object.freeze(value);
  }
  return value;
}

function prefixesOf(path: string): string[] {
  const parts = path.split('.');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('.'));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** "did you mean …?" for a misspelt key. */
function suggest(input: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = levenshtein(input.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(2, Math.floor(input.length / 4))) {
    return `did you mean "${best}"?`;
  }
  return 'see config/mlgate.yaml for the known options';
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}
