/**
 * What a GraphQL request asks for: its document, read as MLflow reads it and analysed (mlflow/graphql/) into the
 * decisions it needs. Only for authenticated callers, like the parameters of every other route.
 */
import type { Middleware } from 'koa';

import { type GraphqlAnalysis, analyseGraphql } from '../mlflow/graphql/analyse.js';
import { readGraphqlRequest } from '../mlflow/graphql/request.js';
import type { RequestParams } from '../mlflow/params.js';
import type { RouteSpec } from '../mlflow/route-spec.js';
import type { GatewayState } from './state.js';

export function graphqlDocumentStage(deps: { readonly maxResources: number }): Middleware<GatewayState> {
  return async (ctx, next) => {
    const analysis = graphqlDocument(ctx.state.route, ctx.state.params, deps.maxResources);
    if (analysis !== undefined) {
      ctx.state.graphql = analysis;
    }
    await next();
  };
}

/** The analysis of a GraphQL request's document; undefined for any other request (shared with mlgate explain). */
export function graphqlDocument(
  route: Pick<RouteSpec, 'body'> | undefined,
  params: RequestParams | undefined,
  maxResources: number,
): GraphqlAnalysis | undefined {
  return route?.body === 'graphql' && params?.source === 'body'
    ? analyseGraphql(readGraphqlRequest(params.body), { maxResources })
    : undefined;
}
