/**
 * The data every system under test gets, made through its own API as its administrator: EXPERIMENTS experiments
 * (1,000; BENCH_EXPERIMENTS), of which the ordinary user may read VISIBLE (50, spread evenly), with EDIT on the
 * first of those, which holds the run the logging workloads write to.
 */
import { callJson, inParallel } from './api.js';
import type { Target } from './target.js';

export const EXPERIMENTS = Number(process.env['BENCH_EXPERIMENTS'] ?? 1000);
export const VISIBLE = Math.min(50, EXPERIMENTS);

export interface Fixture {
  /** Every experiment created, in creation order. */
  readonly experimentIds: readonly string[];
  /** The ones the user may read (READ, and EDIT on the first). */
  readonly visibleIds: readonly string[];
  readonly editExperimentId: string;
  readonly runId: string;
}

/** Creates the experiments, the grants and the run on `target`. */
export async function populate(target: Target): Promise<Fixture> {
  const names = Array.from({ length: EXPERIMENTS }, (_, i) => `bench-${String(i).padStart(4, '0')}`);
  const experimentIds = await inParallel(names, 4, async (name) => {
    const answer = await callJson(target.url, 'POST', '/api/2.0/mlflow/experiments/create', target.adminAuthorization, {
      name,
    });
    return String(answer['experiment_id']);
  });
  const step = Math.floor(EXPERIMENTS / VISIBLE);
  const visibleIds = experimentIds.filter((_, i) => i % step === 0).slice(0, VISIBLE);
  const [editExperimentId] = visibleIds as [string];
  await inParallel(visibleIds, 4, (id) => target.grant(id, id === editExperimentId ? 'EDIT' : 'READ'));
  const run = await callJson(target.url, 'POST', '/api/2.0/mlflow/runs/create', target.adminAuthorization, {
    experiment_id: editExperimentId,
    start_time: Date.now(),
  });
  const runId = (run['run'] as { info: { run_id: string } }).info.run_id;
  return { experimentIds, visibleIds, editExperimentId, runId };
}
