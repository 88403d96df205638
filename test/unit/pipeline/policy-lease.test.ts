/**
 * How long a request holds its policy instance (src/policy/instances.ts): a request proxied without deciding again
 * lets it go once decided, so a long artifact download, or a large runs search or GraphQL answer that its client reads
 * slowly, does not keep the instance from being reused by data changes meanwhile; a request whose handler decides
 * again later (a filtered search or list: src/http/handlers/policy-reads.ts) holds it to its end.
 * Measured by the WebAssembly memory the second of two data changes made while the request is being proxied needs:
 * none when the instance the request was decided with is free (it is reused), a new one when it is held.
 */
import { expect } from 'chai';

import { runtimeData } from '../../../src/policy/data.js';
import type { DecisionEngine } from '../../../src/policy/engine.js';
import { type Pipeline, startPipeline } from '../../helpers/pipeline.js';
import { RUN } from '../../tables/artifact-rows.js';
import { memoriesMade } from '../../helpers/wasm-memories.js';

describe('the policy instance a request holds', function () {
  this.timeout(20_000);
  let pipeline: Pipeline;
  let user: string;
  /** New memories made by the second data change while the last request was proxied. */
  let made: number | undefined;
  const madeNow = (): number | undefined => made;

  before(async () => {
    pipeline = await startPipeline(
      { runs: { [RUN]: '1' } },
      {
        whileForwarding: async (engine: DecisionEngine) => {
          // The same data again: only the instances matter here. The first change takes whatever instance is spare
          // and retires the one the request was decided with; the second can reuse that one only if it is free.
          await engine.setData(runtimeData(pipeline.config));
          made = (await memoriesMade(() => engine.setData(runtimeData(pipeline.config)))).length;
        },
      },
    );
    user = await pipeline.user('reader');
    await pipeline.grant('1', 'reader', 'READ');
  });
  after(() => pipeline.close());

  async function send(path: string, init: RequestInit = {}): Promise<number> {
    made = undefined;
    const response = await fetch(`${pipeline.url}${path}`, {
      ...init,
      headers: { authorization: user, 'content-type': 'application/json' },
    });
    await response.arrayBuffer();
    expect(response.status, path).to.equal(200);
    const result = madeNow();
    expect(result, 'the request was proxied').to.not.equal(undefined);
    return result as number;
  }

  it('is let go once a streamed request is decided: the second data change reuses it', async () => {
    expect(await send(`/api/2.0/mlflow/runs/get?run_id=${RUN}`)).to.equal(0);
    expect(await send(`/api/2.0/mlflow-artifacts/artifacts/1/${RUN}/artifacts/model.pkl`)).to.equal(0);
  });

  it('is let go once decided by a runs search and a GraphQL request, which are not decided again', async () => {
    const search = { method: 'POST', body: JSON.stringify({ experiment_ids: ['1'] }) };
    expect(await send('/api/2.0/mlflow/runs/search', search)).to.equal(0);
    const query = `query { mlflowGetRun(input: {runId: "${RUN}"}) { run { info { runId } } } }`;
    expect(await send('/graphql', { method: 'POST', body: JSON.stringify({ query }) })).to.equal(0);
  });

  it('is held to the end by a request whose answer is filtered with it (ListGatewayEndpoints)', async () => {
    expect(await send('/api/3.0/mlflow/gateway/endpoints/list')).to.equal(1);
  });
});
