/**
 * GraphQL searches naming experiments the caller may not read are narrowed to the readable ones, as the REST
 * searches are, through the whole pipeline (fake MLflow): the document MLflow receives names only readable
 * experiments, however the client wrote it (inline, variables, the whole input as a variable, aliases); a field
 * left with nothing readable, or written in a named fragment, is refused.
 */
import { expect } from 'chai';

import { analyseGraphql } from '../../../src/mlflow/graphql/analyse.js';
import { type Pipeline, startPipeline } from '../../helpers/pipeline.js';

describe('GraphQL searches narrowed to readable experiments', function () {
  this.timeout(20_000);
  let pipeline: Pipeline;
  let user: string;

  before(async () => {
    pipeline = await startPipeline({});
    user = await pipeline.user('graphql-searcher');
    await pipeline.grant('1', 'graphql-searcher', 'READ');
    await pipeline.grant('3', 'graphql-searcher', 'READ');
  });
  after(() => pipeline.close());

  async function send(body: Record<string, unknown>): Promise<{ refused: string | null; forwarded?: unknown }> {
    const before = pipeline.forwarded.length;
    const response = await fetch(`${pipeline.url}/graphql`, {
      method: 'POST',
      headers: { authorization: user, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await response.arrayBuffer();
    const refused = response.headers.get('x-mlgate-error-code');
    if (pipeline.forwarded.length === before) {
      return { refused };
    }
    return { refused, forwarded: JSON.parse(pipeline.forwardedBodies.at(-1) ?? '{}') };
  }

  /** What each root field of the forwarded document names, read back as the gateway reads a document. */
  function named(forwarded: unknown): Record<string, string[]> {
    const body = forwarded as { query: string; variables?: Record<string, unknown> };
    const analysis = analyseGraphql(
      { query: body.query, variables: body.variables ?? {}, operationName: null },
      { maxResources: 100 },
    );
    return Object.fromEntries(analysis.parts.map((part) => [part.label, part.references.map((r) => r.value)]));
  }

  it('narrows an inline experiment list, keeping the rest of the input', async () => {
    const sent = await send({
      query:
        'mutation { mlflowSearchRuns(input: {experimentIds: ["1", "2", "3"], filter: "metrics.x > 1", maxResults: 5}) ' +
        '{ runs { info { runId } } } }',
    });
    expect(sent.refused).to.equal(null);
    expect(named(sent.forwarded)).to.deep.equal({ 'field mlflowSearchRuns': ['1', '3'] });
    const query = (sent.forwarded as { query: string }).query;
    expect(query).to.include('filter: "metrics.x > 1"').and.include('maxResults: 5');
  });

  it('narrows a list given as a variable, and drops the variable definition nothing uses any more', async () => {
    const sent = await send({
      query:
        'mutation Search($ids: [String]) { mlflowSearchDatasets(input: {experimentIds: $ids}) { datasetSummaries { name } } }',
      variables: { ids: ['2', '1'] },
      operationName: 'Search',
    });
    expect(sent.refused).to.equal(null);
    expect(named(sent.forwarded)).to.deep.equal({ 'field mlflowSearchDatasets': ['1'] });
    expect((sent.forwarded as { query: string }).query).to.not.include('$ids');
  });

  it('narrows the whole input given as a variable, and every aliased field on its own', async () => {
    const sent = await send({
      query:
        'mutation ($in: MlflowSearchDatasetsInput) { a: mlflowSearchDatasets(input: $in) { datasetSummaries { name } } ' +
        'b: mlflowSearchDatasets(input: {experimentIds: ["3"]}) { datasetSummaries { name } } }',
      variables: { in: { experimentIds: ['2', '3', '4'] } },
    });
    expect(sent.refused).to.equal(null);
    expect(named(sent.forwarded)).to.deep.equal({
      'field a: mlflowSearchDatasets': ['3'],
      'field b: mlflowSearchDatasets': ['3'],
    });
  });

  it('refuses a search with nothing readable left, and one written in a named fragment', async () => {
    const none = await send({
      query: 'mutation { mlflowSearchDatasets(input: {experimentIds: ["2"]}) { datasetSummaries { name } } }',
    });
    expect(none).to.deep.equal({ refused: 'MLGATE_PERMISSION_DENIED' });
    const fragment = await send({
      query:
        'mutation { ...F } fragment F on Mutation { mlflowSearchDatasets(input: {experimentIds: ["1", "2"]}) ' +
        '{ datasetSummaries { name } } }',
    });
    expect(fragment).to.deep.equal({ refused: 'MLGATE_PERMISSION_DENIED' });
  });

  it('sends a document naming only readable experiments byte for byte', async () => {
    const body = {
      query: 'mutation { mlflowSearchDatasets(input: {experimentIds: ["1"]}) { datasetSummaries { name } } }',
    };
    const sent = await send(body);
    expect(sent.forwarded).to.deep.equal(body);
    expect(pipeline.forwardedBodies.at(-1)).to.equal(JSON.stringify(body));
  });
});
