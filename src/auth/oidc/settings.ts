/**
 * The browser-login settings: the provider from the oidc.* options (OIDC_DISCOVERY_URL, ...) and any more from
 * the providers file (oidc.providers_file, AUTH_PROVIDERS_FILE), checked with zod. Every problem is collected and
 * reported at once; login is off (null) when neither names a provider.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { type ConfigProblem, ConfigError } from '../../config/load.js';
import type { Config } from '../../config/schema.js';

export interface OidcProviderSettings {
  /** In /_mlgate/login/<id> and in sessions. */
  readonly id: string;
  readonly displayName: string;
  readonly discoveryUrl: string;
  readonly clientId: string;
  /** Empty: a public client (PKCE only). Never logged. */
  readonly clientSecret: string;
  /** Space-separated, openid included. */
  readonly scope: string;
  readonly usernameClaims: readonly string[];
  readonly groupsAttribute: string;
  readonly userinfoGroups: boolean;
}

export interface OidcSettings {
  readonly providers: readonly OidcProviderSettings[];
  /** oidc.redirect_uri: a path, or an absolute URL. */
  readonly redirectUri: string;
  /** The path the callback is served at. */
  readonly callbackPath: string;
  readonly allowedGroups: readonly string[];
  readonly adminGroups: readonly string[];
  readonly loginTimeoutMs: number;
  readonly httpTimeoutMs: number;
}

/** The id of the provider configured by the oidc.* options. */
export const DEFAULT_PROVIDER_ID = 'oidc';

const PROVIDER_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Paths the callback may not take: the gateway's own routes and MLflow's APIs. */
const RESERVED_CALLBACK_PREFIXES = [
  '/_mlgate/health/',
  '/_mlgate/api/',
  '/_mlgate/login',
  '/_mlgate/logout',
  '/_mlgate/signed-out',
  '/api/',
  '/ajax-api/',
  '/graphql',
  '/static-files/',
];

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** Scopes separated by spaces or commas (as mlflow-oidc-auth accepts them), each once. */
export function parseScope(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((s) => s !== ''))];
}

const discoveryUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'is not a valid URL' });
    return;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    ctx.addIssue({ code: 'custom', message: 'must use https (plain http only for a provider on this host)' });
  }
});

const scope = z
  .string()
  .transform((text) => parseScope(text))
  .refine((scopes) => scopes.includes('openid'), { message: 'must include openid' })
  .transform((scopes) => scopes.join(' '));

const claimList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) =>
    (typeof value === 'string' ? value.split(',') : value).map((c) => c.trim()).filter((c) => c !== ''),
  )
  .refine((claims) => claims.length > 0, { message: 'must name at least one claim' });

/** One entry of the providers file (snake_case, as the rest of the configuration). */
const providerEntry = z.strictObject({
  id: z.string().regex(PROVIDER_ID, 'must be 1-64 lower-case letters, digits, - or _, starting with a letter or digit'),
  display_name: z.string().trim().min(1).optional(),
  discovery_url: discoveryUrl,
  client_id: z.string().trim().min(1, 'must not be empty'),
  client_secret: z.string().optional(),
  scope: scope.optional(),
  username_claims: claimList.optional(),
  groups_attribute: z.string().trim().min(1).optional(),
  userinfo_groups: z.boolean().optional(),
});

const providerList = z.array(providerEntry, 'must be a list of providers, or an object with one key "providers"');

/** The file holds a list of providers, or { providers: [...] }. */
function providerListOf(raw: unknown): unknown {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Object.keys(raw).join() === 'providers') {
    return (raw as { providers: unknown }).providers;
  }
  return raw;
}

type ProviderEntry = z.output<typeof providerEntry>;

/** The environment variable that may hold a file provider's client secret: OIDC_CLIENT_SECRET_<ID>. */
export function secretEnvName(id: string): string {
  return `OIDC_CLIENT_SECRET_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

function problemsOf(error: z.ZodError, where: string): ConfigProblem[] {
  return error.issues.map((issue) => ({
    path: issue.path.length === 0 ? where : `${where}: ${issue.path.join('.')}`,
    message: issue.message,
    hint: 'see "Browser single sign-on" in docs/identity.md',
  }));
}

export interface SettingsSources {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readFile: (path: string) => string;
}

/** The login settings, or null when no provider is configured; throws ConfigError listing every problem. */
export function loadOidcSettings(config: Config, sources: SettingsSources): OidcSettings | null {
  const problems: ConfigProblem[] = [];
  const { oidc } = config;
  const entries: { entry: ProviderEntry; fromFile: boolean }[] = [];

  if (oidc.discovery_url !== '') {
    const parsed = providerEntry.safeParse({
      id: DEFAULT_PROVIDER_ID,
      display_name: oidc.display_name,
      discovery_url: oidc.discovery_url,
      client_id: oidc.client_id,
      client_secret: oidc.client_secret,
      scope: oidc.scope,
      username_claims: [...oidc.username_claims],
      groups_attribute: oidc.groups_attribute,
      userinfo_groups: oidc.userinfo_groups,
    });
    if (parsed.success) {
      entries.push({ entry: parsed.data, fromFile: false });
    } else {
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0] ?? 'discovery_url');
        problems.push({ path: `oidc.${key}`, message: issue.message, hint: 'see docs/identity.md' });
      }
    }
  }

  if (oidc.providers_file !== '') {
    const where = `oidc.providers_file (${oidc.providers_file})`;
    let raw: unknown;
    try {
      raw = parseYaml(sources.readFile(oidc.providers_file));
    } catch (error) {
      problems.push({
        path: where,
        message: `cannot be read: ${(error as Error).message}`,
        hint: 'a YAML or JSON file',
      });
    }
    if (raw !== undefined) {
      const parsed = providerList.safeParse(providerListOf(raw));
      if (parsed.success) {
        entries.push(...parsed.data.map((entry) => ({ entry, fromFile: true })));
      } else {
        problems.push(...problemsOf(parsed.error, where));
      }
    }
  }

  const seen = new Set<string>();
  for (const { entry } of entries) {
    if (seen.has(entry.id)) {
      problems.push({
        path: 'oidc.providers_file',
        message: `provider id "${entry.id}" is used twice`,
        hint: `ids must be unique; "${DEFAULT_PROVIDER_ID}" is the provider of oidc.discovery_url`,
      });
    }
    seen.add(entry.id);
  }

  let callbackPath = oidc.redirect_uri;
  if (/^[a-z][a-z0-9+.-]*:/i.test(oidc.redirect_uri)) {
    try {
      const url = new URL(oidc.redirect_uri);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new Error('not http(s)');
      }
      callbackPath = url.pathname;
    } catch {
      problems.push({
        path: 'oidc.redirect_uri',
        message: 'is neither a path nor a valid http(s) URL',
        hint: 'e.g. /callback or https://mlflow.example.org/callback',
      });
    }
  } else if (
    !oidc.redirect_uri.startsWith('/') ||
    oidc.redirect_uri.startsWith('//') ||
    /[?#]/.test(oidc.redirect_uri)
  ) {
    problems.push({
      path: 'oidc.redirect_uri',
      message: 'must be a path starting with "/" (no query) or an absolute URL',
      hint: 'the default is /callback',
    });
  }
  if (callbackPath === '/' || RESERVED_CALLBACK_PREFIXES.some((prefix) => callbackPath.startsWith(prefix))) {
    problems.push({
      path: 'oidc.redirect_uri',
      message: `its path ${callbackPath} is taken by the gateway or by MLflow`,
      hint: 'the default is /callback',
    });
  }

  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  if (entries.length === 0) {
    return null;
  }
  return {
    providers: entries.map(({ entry, fromFile }) => ({
      id: entry.id,
      displayName: entry.display_name ?? (fromFile ? entry.id : 'Login with OIDC'),
      discoveryUrl: entry.discovery_url,
      clientId: entry.client_id,
      clientSecret: (fromFile ? sources.env[secretEnvName(entry.id)] : undefined) ?? entry.client_secret ?? '',
      scope: entry.scope ?? 'openid email profile',
      usernameClaims: entry.username_claims ?? ['email', 'preferred_username'],
      groupsAttribute: entry.groups_attribute ?? 'groups',
      userinfoGroups: entry.userinfo_groups ?? false,
    })),
    redirectUri: oidc.redirect_uri,
    callbackPath,
    allowedGroups: oidc.allowed_groups,
    adminGroups: config.auth.admin_groups,
    loginTimeoutMs: oidc.login_timeout_ms,
    httpTimeoutMs: oidc.http_timeout_ms,
  };
}
