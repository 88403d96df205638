/** Waiting for a change made through one gateway to be enforced by another, within the staleness bound. */
import { type Credentials, basic } from './world.js';

/** The bound a permission change must be enforced within on every replica (issue 8: ≤ 2 s). */
export const STALENESS_BOUND_MS = 2_000;

/** The status `gatewayUrl` answers `credentials` for GetExperiment of experiment `id`. */
export function experimentStatus(gatewayUrl: string, credentials: Credentials, id: string): () => Promise<number> {
  return async () => {
    const response = await fetch(`${gatewayUrl}/api/2.0/mlflow/experiments/get?experiment_id=${id}`, {
      headers: { authorization: basic(credentials) },
    });
    await response.arrayBuffer();
    return response.status;
  };
}

/** Polls `status` until it answers `expected`; how long that took, in ms. Throws past the bound. */
export async function waitForStatus(status: () => Promise<number>, expected: number): Promise<number> {
  const started = performance.now();
  while ((await status()) !== expected) {
    if (performance.now() - started > STALENESS_BOUND_MS) throw new Error(`still not ${expected} after 2 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return performance.now() - started;
}
