/**
 * How big a GraphQL document the gateway reads. Each root field is one policy decision and may name resources to
 * look up, and parsing and validating cost time, so documents are bounded before anything else is done: the
 * tokens while parsing, then the shape. The shape limits are MLflow's own defaults (graphql_no_batching.py and
 * MLFLOW_SERVER_GRAPHQL_MAX_ROOT_FIELDS / _MAX_ALIASES), counted more strictly: root fields over every operation
 * of the document, aliases over the whole document, fragments expanded where they are spread. The UI's largest
 * query (the run page) has about 200 tokens, depth 6, one root field and no alias.
 */
export interface GraphqlLimits {
  /** Lexical tokens of the document (graphql-js stops parsing beyond). */
  readonly maxTokens: number;
  /** Nesting of fields; root fields are at depth 1. */
  readonly maxDepth: number;
  /** Field selections, fragments expanded. */
  readonly maxSelections: number;
  /** Root fields over all operations. */
  readonly maxRootFields: number;
  /** Aliased fields in the whole document. */
  readonly maxAliases: number;
}

export const GRAPHQL_LIMITS: GraphqlLimits = {
  maxTokens: 5000,
  maxDepth: 10,
  maxSelections: 1000,
  maxRootFields: 10,
  maxAliases: 10,
};
