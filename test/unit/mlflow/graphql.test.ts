/** GraphQL documents: which decisions they need, read exactly as MLflow's GraphQL executor reads them. */
import { expect } from 'chai';

import { MlgateError } from '../../../src/errors.js';
import { type GraphqlAnalysis, analyseGraphql } from '../../../src/mlflow/graphql/analyse.js';
import { GRAPHQL_LIMITS } from '../../../src/mlflow/graphql/limits.js';
import { readGraphqlRequest } from '../../../src/mlflow/graphql/request.js';

const RUN_A = 'a'.repeat(32);
const RUN_B = 'b'.repeat(32);

function analyse(query: string, variables: Record<string, unknown> = {}, maxResources = 100): GraphqlAnalysis {
  return analyseGraphql({ query, variables, operationName: null }, { maxResources });
}

/** The parts as [label, operation, "kind:value" references]. */
function summary(analysis: GraphqlAnalysis): [string, string | null, string[]][] {
  return analysis.parts.map((part) => [
    part.label,
    part.operation,
    part.references.map((reference) => `${reference.kind}:${reference.value}`),
  ]);
}

function expectInvalid(run: () => unknown, fragment: string): void {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(MlgateError);
    expect((error as MlgateError).code).to.equal('MLGATE_REQUEST_INVALID');
    expect((error as Error).message).to.include(fragment);
    return;
  }
  expect.fail('expected MLGATE_REQUEST_INVALID');
}

/** The run page's query, as the MLflow 3.17.2 UI sends it (trimmed to the fields that matter). */
const UI_GET_RUN = `
  query GetRun($data: MlflowGetRunInput!) @component(name: "MLflow.ExperimentRunTracking") {
    mlflowGetRun(input: $data) {
      apiError { code message }
      run {
        info { runUuid experimentId }
        experiment { experimentId name }
        modelVersions { status version name source }
        data { metrics { key value step timestamp } }
      }
    }
  }`;

describe('GraphQL documents', () => {
  describe('root fields and their resources', () => {
    it("reads the UI's run query: GetRun on the run in the variables, and the run's model versions to hide", () => {
      const analysis = analyse(UI_GET_RUN, { data: { runId: RUN_A } });
      expect(summary(analysis)).to.deep.equal([
        ['field mlflowGetRun', 'GetRun', [`run:${RUN_A}`]],
        ['field MlflowRunExtension.modelVersions', null, []],
      ]);
      expect(analysis.parts[1]?.redact).to.deep.equal({
        paths: [['mlflowGetRun', 'run', 'modelVersions']],
        emptyValue: [],
      });
      expect(analysis.references).to.deep.equal([{ kind: 'run', value: RUN_A }]);
    });

    it('reads inline literals, the legacy runUuid, and every field of the query and mutation types', () => {
      const analysis = analyse(`{
        mlflowGetExperiment(input: {experimentId: "3"}) { experiment { name } }
        mlflowGetRun(input: {runUuid: "${RUN_A}"}) { run { info { runId } } }
        mlflowListArtifacts(input: {runId: "${RUN_B}", path: "model"}) { files { path } }
        mlflowGetMetricHistoryBulkInterval(input: {runIds: ["${RUN_A}", "${RUN_B}"], metricKey: "loss"}) { metrics { value } }
        mlflowSearchRuns(input: {experimentIds: ["4", "5"]}) { runs { info { runId } } }
        test(inputString: "hello") { output }
        __typename
      }`);
      expect(summary(analysis)).to.deep.equal([
        ['field mlflowGetExperiment', 'GetExperiment', ['experiment:3']],
        ['field mlflowGetRun', 'GetRun', [`run:${RUN_A}`]],
        ['field mlflowListArtifacts', 'ListArtifacts', [`run:${RUN_B}`]],
        ['field mlflowGetMetricHistoryBulkInterval', 'GetMetricHistoryBulkInterval', [`run:${RUN_A}`, `run:${RUN_B}`]],
        ['field mlflowSearchRuns', 'SearchRuns', ['experiment:4', 'experiment:5']],
        ['field test', 'GraphQLEcho', []],
      ]);
      const mutation = analyse(`mutation {
        mlflowSearchRuns(input: {experimentIds: ["6"]}) { runs { info { runId } } }
        mlflowSearchDatasets(input: {experimentIds: ["7"]}) { datasetSummaries { name } }
        testMutation(inputString: "x") { output }
      }`);
      expect(summary(mutation)).to.deep.equal([
        ['field mlflowSearchRuns', 'SearchRuns', ['experiment:6']],
        ['field mlflowSearchDatasets', 'SearchDatasets', ['experiment:7']],
        ['field testMutation', 'GraphQLEcho', []],
      ]);
    });

    it('gives every alias its own decision, and names each resource once across them', () => {
      const analysis = analyse(`{
        mine: mlflowGetRun(input: {runId: "${RUN_A}"}) { run { info { runId } } }
        theirs: mlflowGetRun(input: {runId: "${RUN_B}"}) { run { info { runId } } }
        again: mlflowGetRun(input: {runId: "${RUN_A}"}) { run { info { runId } } }
      }`);
      expect(summary(analysis)).to.deep.equal([
        ['field mine: mlflowGetRun', 'GetRun', [`run:${RUN_A}`]],
        ['field theirs: mlflowGetRun', 'GetRun', [`run:${RUN_B}`]],
        ['field again: mlflowGetRun', 'GetRun', [`run:${RUN_A}`]],
      ]);
      expect(analysis.references).to.have.length(2);
    });

    it('expands fragments and inline fragments at the level they are spread, for root and nested fields', () => {
      const analysis = analyse(`
        query { ...Roots ... on Query { other: mlflowGetExperiment(input: {experimentId: "9"}) { experiment { name } } } }
        fragment Roots on Query { r: mlflowGetRun(input: {runId: "${RUN_B}"}) { run { ...RunParts } } }
        fragment RunParts on MlflowRunExtension { mv: modelVersions { name } info { runId } }`);
      expect(summary(analysis)).to.deep.equal([
        ['field r: mlflowGetRun', 'GetRun', [`run:${RUN_B}`]],
        ['field other: mlflowGetExperiment', 'GetExperiment', ['experiment:9']],
        ['field MlflowRunExtension.modelVersions', null, []],
      ]);
      expect(analysis.parts[2]?.redact?.paths).to.deep.equal([['r', 'run', 'mv']]);
    });

    it('finds the model versions of every run of a search, wherever they are asked for', () => {
      const analysis = analyse(`{
        s: mlflowSearchRuns(input: {experimentIds: ["1"]}) { runs { modelVersions { name } } }
        mlflowGetRun(input: {runId: "${RUN_A}"}) { run { modelVersions { name } } }
      }`);
      expect(analysis.parts[2]?.redact?.paths).to.deep.equal([
        ['s', 'runs', 'modelVersions'],
        ['mlflowGetRun', 'run', 'modelVersions'],
      ]);
    });

    it('coerces variables as MLflow does: whole inputs, single fields, defaults, a single value for a list', () => {
      const fields = analyse(
        `query Q($run: String, $ids: [String]) {
          mlflowGetRun(input: {runId: $run}) { run { info { runId } } }
          mlflowSearchRuns(input: {experimentIds: $ids}) { runs { info { runId } } }
        }`,
        { run: RUN_A, ids: '8' },
      );
      expect(summary(fields)).to.deep.equal([
        ['field mlflowGetRun', 'GetRun', [`run:${RUN_A}`]],
        ['field mlflowSearchRuns', 'SearchRuns', ['experiment:8']],
      ]);
      const defaults = analyse(
        `query Q($run: String = "${RUN_B}") { mlflowGetRun(input: {runId: $run}) { run { info { runId } } } }`,
      );
      expect(summary(defaults)).to.deep.equal([['field mlflowGetRun', 'GetRun', [`run:${RUN_B}`]]]);
      const single = analyse(
        `{ mlflowGetMetricHistoryBulkInterval(input: {runIds: "${RUN_A}"}) { metrics { value } } }`,
      );
      expect(summary(single)).to.deep.equal([
        ['field mlflowGetMetricHistoryBulkInterval', 'GetMetricHistoryBulkInterval', [`run:${RUN_A}`]],
      ]);
    });

    it('analyses every operation of the document, not only the one operationName selects', () => {
      const analysis = analyseGraphql(
        {
          query: `query Mine { mlflowGetRun(input: {runId: "${RUN_A}"}) { run { info { runId } } } }
                  query Theirs { mlflowGetRun(input: {runId: "${RUN_B}"}) { run { info { runId } } } }`,
          variables: {},
          operationName: 'Mine',
        },
        { maxResources: 100 },
      );
      expect(analysis.references.map((reference) => reference.value)).to.deep.equal([RUN_A, RUN_B]);
    });

    it('makes unknown root fields and the model-version search unknown operations (administrators only)', () => {
      const analysis = analyse(`{
        mlflowSearchModelVersions(input: {filter: "name='x'"}) { modelVersions { name } }
        mlflowDeleteEverything(input: {all: true}) { ok }
      }`);
      expect(summary(analysis)).to.deep.equal([
        ['field mlflowSearchModelVersions', null, []],
        ['field mlflowDeleteEverything', null, []],
      ]);
    });

    it('makes introspection its own operation', () => {
      expect(summary(analyse('{ __schema { types { name } } t: __type(name: "Query") { name } }'))).to.deep.equal([
        ['field __schema', 'GraphQLIntrospection', []],
        ['field t: __type', 'GraphQLIntrospection', []],
      ]);
    });
  });

  describe('artifact paths', () => {
    it('are checked in mlflowListArtifacts as the REST route checks them', () => {
      for (const path of ['../other', 'a/%2e%2e/b', 'a\\b']) {
        expect(
          () => analyse(`{ mlflowListArtifacts(input: {runId: "${RUN_A}", path: "${path}"}) { files { path } } }`),
          path,
        )
          .to.throw(MlgateError)
          .with.property('code', 'MLGATE_REQUEST_INVALID');
      }
    });
  });

  describe('refusals (400)', () => {
    it('refuses what MLflow could not run: bad syntax, invalid documents, variables that do not fit', () => {
      expectInvalid(() => analyse('{ mlflowGetRun('), 'cannot be read');
      expectInvalid(() => analyse('{ mlflowGetRun(input: {runId: 5}) { run { info { runId } } } }'), 'not valid');
      expectInvalid(() => analyse(`{ mlflowGetRun(input: {runId: "${RUN_A}"}) { run { secret } } }`), 'not valid');
      expectInvalid(
        () =>
          analyse('query Q($run: String) { mlflowGetRun(input: {runId: $run}) { run { info { runId } } } }', {
            run: 5,
          }),
        'variables do not fit',
      );
      expectInvalid(() => analyse('subscription { mlflowGetRun { run { info { runId } } } }'), 'no subscription');
      expectInvalid(() => analyse('fragment F on Query { test { output } }'), 'no operation');
      expectInvalid(() => analyse('{ ...Missing }'), 'unknown fragment');
      expectInvalid(
        () => analyse('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }'),
        'spreads itself',
      );
    });

    it('refuses ids MLflow would read differently, and two run ids that disagree', () => {
      expectInvalid(
        () => analyse('{ mlflowGetExperiment(input: {experimentId: "007"}) { experiment { name } } }'),
        'canonical',
      );
      expectInvalid(
        () => analyse(`{ mlflowGetRun(input: {runId: "${RUN_A}", runUuid: "${RUN_B}"}) { run { info { runId } } } }`),
        'more than once',
      );
      expectInvalid(
        () => analyse('{ mlflowGetRun(input: {}) { run { info { runId } } } }'),
        'Missing required parameter "run_id"',
      );
    });

    it('bounds root fields, aliases, depth, selections, tokens and resources', () => {
      const runs = (count: number, alias: (i: number) => string) =>
        `{ ${Array.from({ length: count }, (_, i) => `${alias(i)}mlflowGetRun(input: {runId: "${RUN_A}"}) { run { info { runId } } }`).join(' ')} }`;
      expect(analyse(runs(GRAPHQL_LIMITS.maxRootFields, (i) => `r${i}: `)).parts).to.have.length(
        GRAPHQL_LIMITS.maxRootFields,
      );
      expectInvalid(() => analyse(runs(GRAPHQL_LIMITS.maxRootFields + 1, () => '')), 'more than 10 root fields');
      const aliases = `{ test(inputString: "x") { ${Array.from({ length: 11 }, (_, i) => `o${i}: output`).join(' ')} } }`;
      expectInvalid(() => analyse(aliases), 'more than 10 aliases');
      const deep = `{ mlflowGetRun(input: {runId: "${RUN_A}"}) { run { experiment { tags { key } } } } }`;
      expect(() => analyse(deep)).not.to.throw();
      const tooDeep = `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }`;
      expectInvalid(() => analyse(tooDeep), 'deeper than 10');
      // Each fragment spreads the next twice: 2^12 selections from a few lines.
      const bomb =
        '{ ...F0 } ' +
        Array.from({ length: 12 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(' ') +
        ' fragment F12 on Query { __typename }';
      expectInvalid(() => analyse(bomb), 'more than 1000 field selections');
      expectInvalid(() => analyse(`{ ${'__typename '.repeat(6000)} }`), 'cannot be read');
      const ids = Array.from({ length: 5 }, (_, i) => `"${i + 1}"`).join(', ');
      expectInvalid(
        () => analyse(`{ mlflowSearchRuns(input: {experimentIds: [${ids}]}) { runs { info { runId } } } }`, {}, 4),
        'more than 4 resources',
      );
    });
  });

  describe('the request', () => {
    it('reads query, variables and operationName from the body', () => {
      expect(readGraphqlRequest({ query: '{ test { output } }' })).to.deep.equal({
        query: '{ test { output } }',
        variables: {},
        operationName: null,
      });
      expect(readGraphqlRequest({ query: 'q', variables: null, operationName: 'Q' }).operationName).to.equal('Q');
    });

    it('refuses a request without a document, or with variables or operationName of the wrong type', () => {
      expectInvalid(() => readGraphqlRequest({}), '"query"');
      expectInvalid(() => readGraphqlRequest({ query: ['{ test { output } }'] }), '"query"');
      expectInvalid(() => readGraphqlRequest({ query: 'q', variables: [] }), '"variables"');
      expectInvalid(() => readGraphqlRequest({ query: 'q', variables: '{}' }), '"variables"');
      expectInvalid(() => readGraphqlRequest({ query: 'q', operationName: 1 }), '"operationName"');
    });
  });
});
