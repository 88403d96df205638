/**
 * What each field of MLflow's GraphQL schema (mlflow-schema.ts) is, for the gateway: the MLflow operation it runs
 * (its resolver calls that operation's handler) and where, in its `input` argument, it names resources. A root
 * field that is not listed here (mlflowSearchModelVersions: registered models are not modelled yet) is an unknown
 * operation, which only administrators may run.
 *
 * Target names are the protobuf field names; the coerced `input` object carries the schema's lowerCamelCase names
 * (runId, experimentIds), which params.ts reads as their aliases.
 */
import type { OperationName } from '../operations.js';
import { EXPERIMENT, RUN, type TargetSpec } from '../route-spec.js';

export type RootType = 'query' | 'mutation';

export interface RootFieldRule {
  readonly operation: OperationName;
  /** Where the field names its resources: in its `input` argument. */
  readonly targets: readonly TargetSpec[];
}

const EXPERIMENTS: TargetSpec = { resource: 'experiment', names: ['experiment_ids'], shape: 'list' };
const RUNS: TargetSpec = { resource: 'run', names: ['run_ids'], shape: 'list' };
const ECHO: RootFieldRule = { operation: 'GraphQLEcho', targets: [] };

/** MLflow's root fields, by operation type. Lookups use Object.hasOwn: no prototype names. */
export const ROOT_FIELDS: Readonly<Record<RootType, Readonly<Record<string, RootFieldRule>>>> = {
  query: {
    mlflowGetExperiment: { operation: 'GetExperiment', targets: [EXPERIMENT] },
    mlflowGetRun: { operation: 'GetRun', targets: [RUN] },
    // The path is checked as the REST route checks it (MLflow decodes it again).
    mlflowListArtifacts: {
      operation: 'ListArtifacts',
      targets: [RUN, { resource: 'relative_artifact_path', names: ['path'] }],
    },
    mlflowGetMetricHistoryBulkInterval: { operation: 'GetMetricHistoryBulkInterval', targets: [RUNS] },
    // Every listed experiment must be readable (an empty list matches nothing), as for the REST route.
    mlflowSearchRuns: { operation: 'SearchRuns', targets: [EXPERIMENTS] },
    test: ECHO,
  },
  mutation: {
    mlflowSearchRuns: { operation: 'SearchRuns', targets: [EXPERIMENTS] },
    mlflowSearchDatasets: { operation: 'SearchDatasets', targets: [EXPERIMENTS] },
    testMutation: ECHO,
  },
};

/** `__schema` and `__type`: the schema is MLflow's public one, but the UI never asks for it. */
export const INTROSPECTION_OPERATION: OperationName = 'GraphQLIntrospection';
export const INTROSPECTION_FIELDS: ReadonlySet<string> = new Set(['__schema', '__type']);

/**
 * Nested fields that reach resources other than their parent's. The UI asks for them inside its run queries, so a
 * caller the policy refuses them to gets the request answered with the field emptied (`[]`) rather than refused.
 */
export interface NestedFieldRule {
  /** The parent type in the schema, and the field. */
  readonly type: string;
  readonly field: string;
  /** The operation the policy decides; null: not modelled yet, so administrators only. */
  readonly operation: OperationName | null;
  /** What the caller gets instead when the policy refuses it. */
  readonly emptyValue: unknown;
}

export const NESTED_FIELDS: readonly NestedFieldRule[] = [
  // A run's registered model versions (search_model_versions_impl with run_id='…'): registered models carry their
  // own permissions in MLflow, which the gateway does not model yet.
  { type: 'MlflowRunExtension', field: 'modelVersions', operation: null, emptyValue: [] },
];

/** Every operation a GraphQL document can be authorized as (the operations table must know them all). */
export const GRAPHQL_OPERATIONS: readonly OperationName[] = [
  ...new Set([
    ...Object.values(ROOT_FIELDS).flatMap((fields) => Object.values(fields).map((rule) => rule.operation)),
    INTROSPECTION_OPERATION,
    ...NESTED_FIELDS.flatMap((rule) => (rule.operation === null ? [] : [rule.operation])),
  ]),
];
