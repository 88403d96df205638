/** Server routes: health, version and server information. */
import { API_3, ROOT, route, type RouteSpec } from '../route-spec.js';

export const SERVER_ROUTES: readonly RouteSpec[] = [
  route('Health', 'GET', '/health', ROOT),
  route('Version', 'GET', '/version', ROOT),
  route('ServerInfo', 'GET', '/mlflow/server-info', API_3),
];
