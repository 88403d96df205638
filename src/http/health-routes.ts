/**
 * The gateway's own endpoints under /_mlgate/: liveness (the process serves
 * requests) and readiness (a policy is loaded and MongoDB answers).
 */
import Router from 'koa-router';

import type { BundleActivity } from '../policy/activation.js';
import type { PolicyStatus } from '../policy/engine.js';
import type { LiveDataStatus } from '../policy/live-data.js';
import { OWN_PREFIX } from './chains.js';
import type { GatewayState } from './state.js';

export interface HealthDeps {
  readonly policyStatus: () => PolicyStatus;
  /** Why the latest new bundle was refused, if it was (the active one keeps deciding). */
  readonly bundleActivity?: () => BundleActivity;
  readonly pingStore: () => Promise<void>;
  /** Live permission data; absent: not reported. */
  readonly permissionData?: () => LiveDataStatus;
}

export function healthRoutes(deps: HealthDeps): Router<GatewayState> {
  const router = new Router<GatewayState>({ prefix: OWN_PREFIX });
  router.get('/health/live', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/health/ready', async (ctx) => {
    const policy = deps.policyStatus();
    const activity = deps.bundleActivity?.() ?? { lastError: null, lastErrorAt: null };
    let store: { ok: boolean; error?: string };
    try {
      await deps.pingStore();
      store = { ok: true };
    } catch (error) {
      store = { ok: false, error: (error as Error).message };
    }
    const data = deps.permissionData?.();
    const ready = policy.loaded && store.ok && (data === undefined || data.ok);
    ctx.status = ready ? 200 : 503;
    ctx.set('cache-control', 'no-store');
    ctx.body = {
      status: ready ? 'ready' : 'not-ready',
      checks: {
        policy: {
          ok: policy.loaded,
          revision: policy.revision,
          source: policy.source,
          loaded_at: policy.loadedAt,
          last_error: activity.lastError,
          last_error_at: activity.lastErrorAt,
        },
        store,
        ...(data === undefined
          ? {}
          : {
              permission_data: {
                ok: data.ok,
                version: data.version,
                rules: data.rules,
                loaded_at: data.loadedAt,
                checked_at: data.checkedAt,
                stale_ms: data.staleMs,
                ...(data.error === undefined ? {} : { error: data.error }),
              },
            }),
      },
    };
  });
  return router;
}
