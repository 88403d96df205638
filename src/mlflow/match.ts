/** Matches a request to the route catalogue (pure). */
import { MlgateError } from '../errors.js';
import type { RouteSpec } from './routes.js';

export interface RouteTable {
  /** The route for `method` and the percent-decoded `path`, or undefined for an unknown route. */
  match(method: string, path: string): RouteSpec | undefined;
}

export function createRouteTable(routes: readonly RouteSpec[]): RouteTable {
  const table = new Map<string, RouteSpec>();
  for (const route of routes) {
    for (const prefix of route.prefixes) {
      const key = `${route.method} ${prefix}${route.path}`;
      if (table.has(key)) {
        throw new Error(`route catalogue: ${key} is listed twice`);
      }
      table.set(key, route);
    }
  }
  return {
    match(method, path) {
      // HEAD is answered by the GET view, so it is authorized like GET.
      const effective = method === 'HEAD' ? 'GET' : method;
      return table.get(`${effective} ${path}`);
    },
  };
}

/**
 * The path as MLflow's server sees it: percent-decoded (ASGI and WSGI both
 * decode the path before routing). Malformed escapes are refused.
 */
export function decodePath(rawPath: string): string {
  try {
    return decodeURIComponent(rawPath);
  } catch {
    throw new MlgateError('MLGATE_REQUEST_INVALID', 'The request path has a malformed percent-escape.');
  }
}
