/** Webhooks (WebhookService, h/gateway): administrators only, as MLflow's auth (sender_is_admin on every route). */
import { API_2, route, type RouteSpec } from '../route-spec.js';

export const WEBHOOK_ROUTES: readonly RouteSpec[] = [
  route('CreateWebhook', 'POST', '/mlflow/webhooks', API_2),
  route('ListWebhooks', 'GET', '/mlflow/webhooks', API_2),
  route('GetWebhook', 'GET', '/mlflow/webhooks/<webhook_id>', API_2),
  route('UpdateWebhook', 'PATCH', '/mlflow/webhooks/<webhook_id>', API_2),
  route('DeleteWebhook', 'DELETE', '/mlflow/webhooks/<webhook_id>', API_2),
  route('TestWebhook', 'POST', '/mlflow/webhooks/<webhook_id>/test', API_2),
];
