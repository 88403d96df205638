import { expect } from 'chai';

import { MlgateError } from '../../../src/errors.js';
import { MAX_JSON_VALUES, requireBoundedJson } from '../../../src/mlflow/json-shape.js';

describe('JSON bodies too dense to parse on the gateway thread', () => {
  const bytes = (text: string): Buffer => Buffer.from(text);

  it('are refused before parsing: many tiny objects, arrays or numbers', () => {
    for (const body of [
      `{"run_id":"r","metrics":[${'{},'.repeat(MAX_JSON_VALUES)}{}]}`,
      `[${'1,'.repeat(MAX_JSON_VALUES)}1]`,
      '['.repeat(MAX_JSON_VALUES + 1),
    ]) {
      expect(() => requireBoundedJson(bytes(body)))
        .to.throw(MlgateError)
        .with.property('code', 'MLGATE_REQUEST_INVALID');
    }
  });

  it('do not count what is inside strings, escaped quotes included', () => {
    const text = `{"value":"${'{[,'.repeat(MAX_JSON_VALUES)}\\"{[,"}`;
    expect(() => requireBoundedJson(bytes(text))).to.not.throw();
  });

  it('let a full MLflow batch through', () => {
    const metrics = Array.from({ length: 1000 }, (_, i) => ({ key: `m${i}`, value: i, timestamp: 0, step: i }));
    expect(() => requireBoundedJson(bytes(JSON.stringify({ run_id: 'r', metrics })))).to.not.throw();
  });
});
