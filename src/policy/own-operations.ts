/**
 * Operations of the gateway's own API that the policy decides, next to MLflow's (src/mlflow/operations.ts): they are
 * in the policy's operations table (policies/mlgate/operations/data.yaml) but no MLflow route names them. A test
 * checks that the table holds exactly these and MLflow's.
 */
export const OWN_OPERATIONS = [
  // /_mlgate/api/grants for a caller who is not an administrator: MANAGE on the resource (src/http/api/).
  'ManagePermissions',
] as const;
export type OwnOperation = (typeof OWN_OPERATIONS)[number];
