/** The few MLflow REST calls and mlgate CLI runs the benchmarks make outside their measurements (setup and checks). */
import { runCli } from '../../scripts/services.js';

/** Sends a JSON request and returns the parsed answer; any status but 2xx throws with the answer quoted. */
export async function callJson(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  authorization: string | undefined,
  body?: object,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(authorization === undefined ? {} : { authorization }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${baseUrl}${path}: ${response.status} ${text.slice(0, 500)}`);
  }
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

/** The HTTP Basic authorization header value for a user name and password (or access token). */
export function basic(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}

/** Runs `work` over `items` with at most `limit` at a time; results in the order of `items`. */
export async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T);
      }
    }),
  );
  return results;
}

/** Runs the mlgate CLI and returns what it printed; a failure throws with its error output. */
export async function cliOutput(args: readonly string[], env: Readonly<Record<string, string>>): Promise<string> {
  const result = await runCli(args, env);
  if (result.code !== 0) throw new Error(`mlgate ${args.join(' ')}: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/**
 * An experiment made directly in MLflow with one run, on which the mlgate user `username` gets EDIT (granted with
 * the CLI in the gateway's store): what the single-user benchmarks log to.
 */
export async function editableRun(
  mlflowUrl: string,
  username: string,
  env: Readonly<Record<string, string>>,
): Promise<{ readonly experimentId: string; readonly runId: string }> {
  const created = await callJson(mlflowUrl, 'POST', '/api/2.0/mlflow/experiments/create', undefined, {
    name: `bench-${Date.now()}`,
  });
  const experimentId = String(created['experiment_id']);
  await cliOutput(['grant', '--experiment', experimentId, '--user', username, '--permission', 'EDIT'], env);
  const run = await callJson(mlflowUrl, 'POST', '/api/2.0/mlflow/runs/create', undefined, {
    experiment_id: experimentId,
  });
  return { experimentId, runId: (run['run'] as { info: { run_id: string } }).info.run_id };
}
