/**
 * The web UI (h/ui): its page, its static bundle, its telemetry settings and GraphQL. The UI's other calls are the
 * REST routes of the other families under /ajax-api/.
 *
 * The page and the bundle reveal nothing about any experiment, but they are only served to authenticated callers:
 * an anonymous browser gets 401 with `WWW-Authenticate: Basic`, so it asks for a username and an access token
 * before it loads the UI (whose own calls then carry the same credentials).
 */
import { API_3, ROOT, route, type RouteSpec } from '../route-spec.js';

/** MLflow serves the UI's telemetry settings (and accepts its records) at /ajax-api/3.0 only. */
const AJAX_3: readonly string[] = [API_3[1] as string];

export const UI_ROUTES: readonly RouteSpec[] = [
  route('WebUi', 'GET', '/', ROOT),
  route('WebUiAsset', 'GET', '/static-files/<path:path>', ROOT),
  // Flask's own static route for the same folder (the UI itself loads /static-files/).
  route('WebUiAsset', 'GET', '/build/<path:filename>', ROOT),
  route('GetUiTelemetry', 'GET', '/mlflow/ui-telemetry', AJAX_3),
  route('PostUiTelemetry', 'POST', '/mlflow/ui-telemetry', AJAX_3),
  // The runs page lists the deployments server's endpoints (MLflow answers only gateway_path=api/2.0/endpoints on
  // GET). Invoking one (POST) spends the server's model credentials: administrators only.
  route('ListGatewayProxyEndpoints', 'GET', '/mlflow/gateway-proxy', ['/ajax-api/2.0']),
  route('InvokeGatewayProxy', 'POST', '/mlflow/gateway-proxy', ['/ajax-api/2.0']),
  // One request, several MLflow operations: every field of the document is authorized as its own operation
  // (graphql/). MLflow reads the request from the JSON body for GET as well as POST.
  route('GraphQL', 'POST', '/graphql', ROOT, [], { body: 'graphql', handling: 'graphql' }),
  route('GraphQL', 'GET', '/graphql', ROOT, [], { body: 'graphql', handling: 'graphql' }),
];
