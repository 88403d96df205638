/**
 * The catalogue and the policy's operations table name the same operations, one to one (with the operations of the
 * gateway's own API, which no MLflow route names).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { expect } from 'chai';

import { GRAPHQL_OPERATIONS } from '../../../src/mlflow/graphql/fields.js';
import { OPERATIONS } from '../../../src/mlflow/operations.js';
import { ROUTES } from '../../../src/mlflow/routes.js';
import { packageRoot } from '../../../src/paths.js';
import { OWN_OPERATIONS } from '../../../src/policy/own-operations.js';
import { OPA } from '../../helpers/opa.js';

const run = promisify(execFile);

async function policyOperations(): Promise<string[]> {
  const { stdout } = await run(OPA, [
    'eval',
    '--format',
    'json',
    '--data',
    join(packageRoot(), 'policies'),
    'object.keys(data.mlgate.operations.table)',
  ]);
  const result = JSON.parse(stdout) as { result: { expressions: { value: string[] }[] }[] };
  return [...(result.result[0]?.expressions[0]?.value ?? [])].sort();
}

describe('operation names', () => {
  it('are listed once each', () => {
    expect(new Set(OPERATIONS).size).to.equal(OPERATIONS.length);
  });

  it('match the policy operations table in both directions', async () => {
    expect(await policyOperations()).to.deep.equal([...OPERATIONS, ...OWN_OPERATIONS].sort());
  });

  it("keep the gateway's own operations apart from MLflow's", () => {
    const mlflow = new Set<string>(OPERATIONS);
    expect(OWN_OPERATIONS.filter((operation) => mlflow.has(operation))).to.deep.equal([]);
  });

  it('are each served by at least one catalogued route or GraphQL field', () => {
    const routed = new Set([...ROUTES.map((route) => route.operation), ...GRAPHQL_OPERATIONS]);
    expect(OPERATIONS.filter((operation) => !routed.has(operation))).to.deep.equal([]);
  });
});
