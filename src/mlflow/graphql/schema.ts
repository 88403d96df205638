/** MLflow's GraphQL schema, built once from its SDL (mlflow-schema.ts). */
import { type GraphQLSchema, buildSchema } from 'graphql';

import { MLFLOW_GRAPHQL_SDL } from './mlflow-schema.js';

let built: GraphQLSchema | undefined;

export function mlflowGraphqlSchema(): GraphQLSchema {
  built ??= buildSchema(MLFLOW_GRAPHQL_SDL);
  return built;
}
