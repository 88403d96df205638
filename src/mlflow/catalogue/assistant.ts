/**
 * The MLflow assistant (FastAPI, web UI only, h/gateway): administrators only unless
 * permissions.assistant_access is `authenticated` (decided by the policy from data.config.assistant_access).
 */
import { route, type RouteSpec } from '../route-spec.js';

const UI = ['/ajax-api/3.0'];
const a = (path: string): string => `/mlflow/assistant${path}`;
const FASTAPI = { framework: 'fastapi' } as const;

export const ASSISTANT_ROUTES: readonly RouteSpec[] = [
  route('AssistantGetConfig', 'GET', a('/config'), UI, [], FASTAPI),
  route('AssistantUpdateConfig', 'PUT', a('/config'), UI, [], FASTAPI),
  route('AssistantSendMessage', 'POST', a('/message'), UI, [], FASTAPI),
  route('AssistantListProviders', 'GET', a('/providers'), UI, [], FASTAPI),
  route('AssistantProviderHealth', 'GET', a('/providers/{provider}/health'), UI, [], FASTAPI),
  route('AssistantListProviderModels', 'GET', a('/providers/{provider}/models'), UI, [], FASTAPI),
  route('AssistantUpdateSession', 'PATCH', a('/sessions/{session_id}'), UI, [], FASTAPI),
  route('AssistantResolvePermission', 'POST', a('/sessions/{session_id}/permission'), UI, [], FASTAPI),
  route('AssistantStreamSession', 'GET', a('/sessions/{session_id}/stream'), UI, [], FASTAPI),
  route('AssistantToolResult', 'POST', a('/sessions/{session_id}/tool-result'), UI, [], FASTAPI),
  route('AssistantInstallSkills', 'POST', a('/skills/install'), UI, [], FASTAPI),
];
