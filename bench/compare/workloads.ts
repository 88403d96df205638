/** The API workloads every target is driven with, as the ordinary user, on the fixture's experiments and run. */
import type { Workload } from '../load.js';
import { SEARCH_PAGE } from './search-check.js';
import type { Fixture } from './setup.js';

/** A realistic LogBatch: this many metrics, params and tags per request. */
export const BATCH = { metrics: 50, params: 10, tags: 5 } as const;

export function apiWorkloads(fixture: Fixture): Workload[] {
  let step = 0;
  const runId = fixture.runId;
  // An experiment the user holds READ on (the EDIT one where there is no other).
  const readable = fixture.visibleIds[1] ?? fixture.editExperimentId;
  return [
    {
      name: 'GetExperiment',
      method: 'GET',
      path: `/api/2.0/mlflow/experiments/get?experiment_id=${readable}`,
    },
    {
      name: 'LogMetric',
      method: 'POST',
      path: '/api/2.0/mlflow/runs/log-metric',
      body: () =>
        JSON.stringify({ run_id: runId, key: 'loss', value: Math.random(), timestamp: Date.now(), step: step++ }),
    },
    {
      name: 'LogBatch',
      method: 'POST',
      path: '/api/2.0/mlflow/runs/log-batch',
      body: () => {
        const at = Date.now();
        const s = step++;
        return JSON.stringify({
          run_id: runId,
          metrics: Array.from({ length: BATCH.metrics }, (_, i) => ({
            key: `metric_${i}`,
            value: Math.random(),
            timestamp: at,
            step: s,
          })),
          // Params cannot change once logged: the same values every time (MLflow accepts an identical re-log).
          params: Array.from({ length: BATCH.params }, (_, i) => ({ key: `param_${i}`, value: `value_${i}` })),
          tags: Array.from({ length: BATCH.tags }, (_, i) => ({ key: `tag_${i}`, value: `step ${s}` })),
        });
      },
    },
    {
      name: 'SearchExperiments',
      method: 'POST',
      path: '/api/2.0/mlflow/experiments/search',
      body: () => JSON.stringify({ max_results: SEARCH_PAGE }),
    },
  ];
}
