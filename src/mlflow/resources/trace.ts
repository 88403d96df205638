/**
 * A trace (v2 `request_id`, v3 `trace_id`): it carries the permission of the experiment it is in.
 *
 * A trace can change experiment: StartTraceV3 with the id of an existing trace updates it in place and moves it,
 * its spans and assessments to the experiment of the request body (SqlAlchemyStore.start_trace). Another replica
 * of the gateway may forward that move, so no relation is reused: a trace is looked up on every request. Clients
 * choose trace ids (StartTraceV3, OTLP), so a trace missing now may exist a moment later: never remembered as
 * missing either.
 */
import { MlgateError } from '../../errors.js';
import { inExperiments, type ResourceKind } from './kind.js';

/** MLflow's GET routes at /api/3.0/mlflow/traces/<name> (route coverage report). */
const STATIC_SIBLINGS = new Set(['get', 'batchGet']);

export const trace: ResourceKind = {
  name: 'trace',
  carrier: 'experiment',
  describe: (ref) => `the experiment of trace ${ref}`,
  validate(value, field) {
    // The look-up puts the id in a path (GET /api/3.0/mlflow/traces/<id>): one MLflow would not read back as this
    // id is refused, and so is the name of a fixed route beside it, which MLflow would answer as that route (a
    // 400 read as "no such trace", so a trace the request may create would go unchecked).
    if (/[/\\]/.test(value) || value === '.' || value === '..' || STATIC_SIBLINGS.has(value)) {
      throw new MlgateError(
        'MLGATE_REQUEST_INVALID',
        `"${field}" ${JSON.stringify(value)} is not a trace id MLflow serves (no "/", "\\", "." or "..").`,
      );
    }
  },
  resolve: async (value, client) => {
    const id = await client.traceExperimentId(value);
    return inExperiments(id === null ? null : [id]);
  },
  foundTtlMs: 0,
  rememberMissing: false,
};
