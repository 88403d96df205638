/**
 * Checks that a Target authorizes what the side-by-side benchmark relies on: its ordinary user is refused an
 * experiment nobody granted, may read it after grant(READ) but not log to it, and may log a metric after
 * grant(EDIT). Works for any target with permissions (not for direct MLflow, which grants everything).
 */
import type { Target } from './target.js';

/** Sends one MLflow REST call and returns the status and the body. */
async function call(
  target: Target,
  authorization: string | undefined,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== undefined) {
    headers['authorization'] = authorization;
  }
  const response = await fetch(`${target.url}/api/2.0/mlflow/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.text() };
}

async function adminCreate(target: Target, path: string, body: unknown): Promise<Record<string, unknown>> {
  const { status, body: text } = await call(target, target.adminAuthorization, path, body);
  if (status !== 200) {
    throw new Error(`${target.name}: the administrator's ${path} answered ${status}: ${text}`);
  }
  return JSON.parse(text) as Record<string, unknown>;
}

/** Runs the checks and returns one line per step ("ok …" or "FAILED …"); throws only when set-up fails. */
export async function checkGrants(target: Target): Promise<string[]> {
  const name = `target-check-${Date.now()}`;
  const { experiment_id: experimentId } = (await adminCreate(target, 'experiments/create', { name })) as {
    experiment_id: string;
  };
  const { run } = (await adminCreate(target, 'runs/create', { experiment_id: experimentId })) as {
    run: { info: { run_id: string } };
  };
  const runId = run.info.run_id;
  const getExperiment = (): Promise<{ status: number }> =>
    call(target, target.userAuthorization, `experiments/get?experiment_id=${experimentId}`);
  const logMetric = (): Promise<{ status: number }> =>
    call(target, target.userAuthorization, 'runs/log-metric', {
      run_id: runId,
      key: 'check',
      value: 1,
      timestamp: Date.now(),
      step: 0,
    });
  const lines: string[] = [];
  const expect = async (what: string, request: () => Promise<{ status: number }>, want: number): Promise<void> => {
    const { status } = await request();
    lines.push(`${status === want ? 'ok' : 'FAILED'}  ${what}: ${status} (want ${want})`);
  };
  await expect('GetExperiment without a grant', getExperiment, 403);
  await expect('LogMetric without a grant', logMetric, 403);
  await target.grant(experimentId, 'READ');
  await expect('GetExperiment with READ', getExperiment, 200);
  await expect('LogMetric with READ', logMetric, 403);
  await target.grant(experimentId, 'EDIT');
  await expect('LogMetric with EDIT', logMetric, 200);
  await expect(
    'GetExperiment without credentials',
    () => call(target, undefined, `experiments/get?experiment_id=${experimentId}`),
    401,
  );
  return lines;
}
