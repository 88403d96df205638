/**
 * One system under test in `make bench-compare`: an HTTP endpoint that serves MLflow's API (directly, or behind an
 * authorization layer), the credentials of an administrator and of an ordinary user, a way to grant that user a
 * permission on an experiment, and the processes whose CPU time and memory the benchmark reads from /proc.
 */
export type ExperimentPermission = 'READ' | 'EDIT' | 'MANAGE';

export interface Target {
  /** Short name printed in the tables ("direct", "mlgate", "basic-auth", "mlflow-oidc-auth", …). */
  readonly name: string;
  /** What it is and how it is set up, one line for docs/benchmarks.md (versions, settings). */
  readonly description?: string;
  /** Base URL the workloads are sent to (no trailing slash). */
  readonly url: string;
  /** Authorization header value of an administrator (undefined where the target has no authentication). */
  readonly adminAuthorization: string | undefined;
  /** Authorization header value of the ordinary user the workloads run as. */
  readonly userAuthorization: string | undefined;
  /** Grants the ordinary user `permission` on an experiment (a no-op where the target has no permissions). */
  grant(experimentId: string, permission: ExperimentPermission): Promise<void>;
  /** Process ids whose CPU time and RSS count as this target's cost (gateway and the MLflow behind it). */
  pids(): readonly number[];
  stop(): Promise<void>;
}
