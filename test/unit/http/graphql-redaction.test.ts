/** Emptying the GraphQL fields the policy hides, in MLflow's answer. */
import { expect } from 'chai';

import { MlgateError } from '../../../src/errors.js';
import { redactAnswer } from '../../../src/http/handlers/graphql.js';

const answer = (body: unknown, status = 200, headers: Record<string, string> = {}) => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});

const HIDE = [
  {
    paths: [
      ['r', 'run', 'modelVersions'],
      ['s', 'runs', 'modelVersions'],
    ],
    emptyValue: [],
  },
];

describe('GraphQL answer redaction', () => {
  it('empties the hidden fields under aliases and in every item of a list, and nothing else', () => {
    const redacted = redactAnswer(
      answer({
        data: {
          r: { run: { info: { runId: 'x' }, modelVersions: [{ name: 'secret-model' }] } },
          s: { runs: [{ modelVersions: [{ name: 'm1' }] }, { modelVersions: null }, { info: {} }] },
        },
        errors: null,
      }),
      HIDE,
    );
    const body = JSON.parse(redacted.body.toString()) as Record<string, unknown>;
    expect(body).to.deep.equal({
      data: {
        r: { run: { info: { runId: 'x' }, modelVersions: [] } },
        s: { runs: [{ modelVersions: [] }, { modelVersions: null }, { info: {} }] },
      },
      errors: null,
    });
    expect(redacted.body.toString()).not.to.include('secret-model');
    expect(redacted.headers['content-length']).to.equal(String(redacted.body.length));
  });

  it('leaves an answer without data, or an error answer, as it is', () => {
    const none = answer({ data: null, errors: ['boom'] });
    expect(JSON.parse(redactAnswer(none, HIDE).body.toString())).to.deep.equal({ data: null, errors: ['boom'] });
    const failed = answer('Internal Server Error', 500);
    expect(redactAnswer(failed, HIDE)).to.equal(failed);
  });

  it('refuses to pass on an answer it cannot read', () => {
    for (const bad of [answer('not json'), answer([1, 2]), answer({ data: {} }, 200, { 'content-encoding': 'gzip' })]) {
      expect(() => redactAnswer(bad, HIDE))
        .to.throw(MlgateError)
        .with.property('code', 'MLGATE_UPSTREAM_INVALID_RESPONSE');
    }
  });
});
