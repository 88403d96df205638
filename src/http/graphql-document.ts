/**
 * What a GraphQL request asks for: its document, read as MLflow reads it and analysed (mlflow/graphql/) into the
 * decisions it needs. Only for authenticated callers, like the parameters of every other route.
 */
import type { Middleware } from 'koa';

import { analyseGraphql } from '../mlflow/graphql/analyse.js';
import { readGraphqlRequest } from '../mlflow/graphql/request.js';
import type { GatewayState } from './state.js';

export function graphqlDocumentStage(deps: { readonly maxResources: number }): Middleware<GatewayState> {
  return async (ctx, next) => {
    const { route, params } = ctx.state;
    if (route?.body === 'graphql' && params?.source === 'body') {
      ctx.state.graphql = analyseGraphql(readGraphqlRequest(params.body), { maxResources: deps.maxResources });
    }
    await next();
  };
}
