/**
 * Matches a request to the route catalogue (pure). The path is matched as MLflow's routers match it: after
 * percent-decoding (werkzeug and Starlette both route on the decoded path), case-sensitively, with no trailing
 * slash added or removed. Template parameters are taken from the decoded path as they are, never decoded twice.
 *
 * Paths the two routers, a proxy in between or MLflow's artifact code could read differently are refused before
 * any decision: empty segments ("//"), dot segments ("/./", "/../"), backslashes, NUL, and encoded slashes or
 * backslashes in the raw path ("%2F", "%5C"), which decode into separators a client did not write as such.
 */
import { type MatchFunction, match as compile } from 'path-to-regexp';

import { MlgateError } from '../errors.js';
import type { RouteSpec } from './route-spec.js';

export interface RouteMatch {
  readonly route: RouteSpec;
  /** Template parameters, as MLflow's handler receives them. */
  readonly params: Readonly<Record<string, string>>;
}

export interface RouteTable {
  /** The route for `method` and the percent-decoded `path`, or undefined for an unknown route. */
  match(method: string, path: string): RouteMatch | undefined;
}

interface Compiled {
  readonly route: RouteSpec;
  readonly matcher: MatchFunction<Record<string, string | string[]>>;
  /** Characters of the template outside parameters: the more, the more specific (werkzeug's order). */
  readonly weight: number;
}

/**
 * `<x>`, `<path:x>` (Flask) and `{x}`, `{x:path}` (FastAPI) in path-to-regexp syntax. A colon of the literal text
 * (the Gemini routes' `{endpoint_name}:generateContent`) is escaped, so it is not read as a parameter.
 */
export function toPathToRegexp(template: string): string {
  return template
    .replace(/[()[\]?+!]/g, (c) => `\\${c}`)
    .replace(/<[^>]*>|\{[^}]*\}|:/g, (token) => (token === ':' ? '\\:' : token))
    .replace(
      /<path:([A-Za-z_][A-Za-z0-9_]*)>|\{([A-Za-z_][A-Za-z0-9_]*):path\}/g,
      (_, a?: string, b?: string) => `*${a ?? b}`,
    )
    .replace(/<([A-Za-z_][A-Za-z0-9_]*)>|\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, a?: string, b?: string) => `:${a ?? b}`);
}

export function createRouteTable(routes: readonly RouteSpec[]): RouteTable {
  const exact = new Map<string, RouteSpec>();
  const templated = new Map<string, Compiled[]>();
  const listed = new Set<string>();
  for (const route of routes) {
    for (const prefix of route.prefixes) {
      const full = prefix + route.path;
      const key = `${route.method} ${full}`;
      if (listed.has(key)) {
        throw new Error(`route catalogue: ${key} is listed twice`);
      }
      listed.add(key);
      if (!/[<{]/.test(route.path)) {
        exact.set(key, route);
        continue;
      }
      const list = templated.get(route.method) ?? [];
      list.push({
        route,
        matcher: compile(toPathToRegexp(full), { decode: false, sensitive: true, trailing: false }),
        weight: full.replace(/<[^>]*>|\{[^}]*\}/g, '').length,
      });
      templated.set(route.method, list);
    }
  }
  for (const list of templated.values()) {
    list.sort((a, b) => b.weight - a.weight);
  }
  return {
    match(method, path) {
      // HEAD is answered by the GET view, so it is authorized like GET.
      const effective = method === 'HEAD' ? 'GET' : method;
      const route = exact.get(`${effective} ${path}`);
      if (route !== undefined) {
        return { route, params: {} };
      }
      for (const candidate of templated.get(effective) ?? []) {
        const found = candidate.matcher(path);
        if (found !== false) {
          return { route: candidate.route, params: flatten(found.params) };
        }
      }
      return undefined;
    },
  };
}

function flatten(params: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) {
      out[name] = Array.isArray(value) ? value.join('/') : value;
    }
  }
  return out;
}

/**
 * The path as MLflow's server sees it: percent-decoded (ASGI and WSGI both decode the path before routing).
 * Malformed escapes, and paths MLflow's routers or artifact code could read otherwise than the gateway, are
 * refused (400).
 */
export function decodePath(rawPath: string): string {
  if (/%(2f|5c|00)/i.test(rawPath)) {
    throw ambiguous('an encoded slash, backslash or NUL (%2F, %5C, %00)');
  }
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw new MlgateError('MLGATE_REQUEST_INVALID', 'The request path has a malformed percent-escape.');
  }
  if (/\/\/|\/\.\.?(\/|$)|\\|\0/.test(path)) {
    throw ambiguous('an empty segment ("//"), a dot segment ("/./", "/../") or a backslash');
  }
  return path;
}

function ambiguous(what: string): MlgateError {
  return new MlgateError(
    'MLGATE_REQUEST_INVALID',
    `The request path has ${what}, which MLflow could read as another path than the one checked. Send the ` +
      'path in plain form.',
  );
}
