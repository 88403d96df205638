/**
 * A GraphQL request as MLflow's /graphql handler reads it (handlers._graphql): the JSON body, for GET as well as
 * POST, with `query`, `variables` and `operationName`. MLflow runs one document per request: a list of operations
 * (batching) is not read (`request_json.get` fails on a list), so a body that is not an object is refused here.
 */
import { MlgateError } from '../../errors.js';

export interface GraphqlRequest {
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly operationName: string | null;
}

export function readGraphqlRequest(body: Readonly<Record<string, unknown>>): GraphqlRequest {
  const query = body['query'];
  if (typeof query !== 'string' || query.trim() === '') {
    throw invalid('A GraphQL request needs "query": the document, as a string.');
  }
  const variables = body['variables'] ?? {};
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
    throw invalid('"variables" must be a JSON object (or absent).');
  }
  const operationName = body['operationName'] ?? null;
  if (operationName !== null && typeof operationName !== 'string') {
    throw invalid('"operationName" must be a string (or absent).');
  }
  return { query, variables: variables as Record<string, unknown>, operationName };
}

function invalid(message: string): MlgateError {
  return new MlgateError('MLGATE_REQUEST_INVALID', message);
}
