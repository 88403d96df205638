/** The GraphQL schema the gateway validates documents against is the installed MLflow's. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import { expect } from 'chai';
import { buildSchema, printSchema } from 'graphql';

import { ROOT, VENV } from '../../scripts/services.js';
import { MLFLOW_GRAPHQL_SDL } from '../../src/mlflow/graphql/mlflow-schema.js';
import { ROOT_FIELDS } from '../../src/mlflow/graphql/fields.js';

describe('GraphQL schema against the installed MLflow', () => {
  let installed: string;

  before(function () {
    this.timeout(60_000);
    installed = execFileSync(join(VENV, 'python'), [join(ROOT, 'scripts', 'mlflow-graphql-schema.py')], {
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
  });

  it("is MLflow's schema (regenerate mlflow-schema.ts from scripts/mlflow-graphql-schema.py when MLflow changes)", () => {
    expect(printSchema(buildSchema(MLFLOW_GRAPHQL_SDL))).to.equal(printSchema(buildSchema(installed)));
  });

  it('has every root field the gateway classifies', () => {
    const schema = buildSchema(installed);
    const query = Object.keys(schema.getQueryType()?.getFields() ?? {});
    const mutation = Object.keys(schema.getMutationType()?.getFields() ?? {});
    expect(query).to.include.members(Object.keys(ROOT_FIELDS.query));
    expect(mutation).to.include.members(Object.keys(ROOT_FIELDS.mutation));
  });
});
