/** A table row's request as the pipeline reads it: its route in the catalogue, its parameters, its references. */
import { expect } from 'chai';

import { type RouteMatch, createRouteTable } from '../../src/mlflow/match.js';
import { parseQuery } from '../../src/mlflow/params.js';
import { type Reference, type RequestView, extractReferences } from '../../src/mlflow/references.js';
import { ROUTES } from '../../src/mlflow/routes.js';
import type { Request } from './tracking-rows.js';

const table = createRouteTable(ROUTES);

/** The catalogued route of the request (the test fails when there is none). */
export function matched(request: Request): RouteMatch {
  const found = table.match(request.method, request.path);
  expect(found, `${request.method} ${request.path}`).to.not.equal(undefined);
  return found as RouteMatch;
}

/** The request as the resolve stage sees it: parameters where MLflow reads them (params.ts). */
export function view(request: Request, found: RouteMatch): RequestView {
  const query = parseQuery(request.query ?? '');
  return {
    params:
      request.method === 'GET' && query.size > 0
        ? { source: 'query', query }
        : { source: 'body', body: request.body ?? {} },
    query,
    path: found.params,
    headers: request.headers ?? {},
    ...(request.otlp === undefined ? {} : { otlpTraceIds: request.otlp }),
  };
}

/** The resources the request names. */
export function references(request: Request): Reference[] {
  const found = matched(request);
  return extractReferences(found.route, view(request, found));
}
