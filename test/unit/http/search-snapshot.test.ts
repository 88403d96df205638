/**
 * One policy per request: a filtered search decides page after page, and a bundle swapped in between pages must
 * not change what the rest of the search decides with (it reads the snapshot the authorize stage took).
 */
import { expect } from 'chai';

import { searchExperiments } from '../../../src/http/handlers/search-experiments.js';
import type { ForwardDeps, GatewayContext } from '../../../src/http/handlers/types.js';
import type { UpstreamAnswer } from '../../../src/mlflow/client.js';
import { createPageTokens, derivePageTokenKey } from '../../../src/mlflow/page-token.js';
import { type PolicyBundle, readBundle } from '../../../src/policy/bundle.js';
import { createDecisionEngine } from '../../../src/policy/engine.js';
import { buildWasmBundle } from '../../helpers/opa.js';
import { tempDir } from '../../helpers/tmp.js';

/** Every target is visible while data.mode is "all", none otherwise. */
const REGO = `package mlgate.authz

decision := {"allow": true}

visible contains target.id if {
	data.mode == "all"
	some target in input.targets
}
`;

const page = (id: string, next?: string): UpstreamAnswer => {
  const body = { experiments: [{ experiment_id: id }], ...(next === undefined ? {} : { next_page_token: next }) };
  return { status: 200, body, raw: Buffer.from(JSON.stringify(body)), contentType: 'application/json' };
};

describe('one policy snapshot per request', function () {
  this.timeout(60_000);
  const tmp = tempDir('snapshot');
  let bundle: PolicyBundle;

  before(async () => {
    bundle = await readBundle(await buildWasmBundle(tmp.path, REGO, ['mlgate/authz/decision', 'mlgate/authz/visible']));
  });
  after(() => tmp.remove());

  it('a filtered search keeps deciding with the policy it started with when a new one is installed mid-search', async () => {
    const engine = createDecisionEngine();
    await engine.load(bundle, { mode: 'all' });
    const deps = {
      engine,
      searchMaxPages: 10,
      pageTokens: createPageTokens({ key: derivePageTokenKey('') }),
      grantSource: { forPrincipal: () => Promise.resolve(new Map()), forgetResource: () => undefined },
      client: {
        searchExperiments: async (request: Readonly<Record<string, unknown>>) => {
          if (request['page_token'] === undefined) return page('1', 'p2');
          // Between the first page and the second, a new bundle that hides everything is installed.
          await engine.load(bundle, { mode: 'none' });
          return page('2');
        },
      },
    } as unknown as ForwardDeps;
    const ctx = {
      method: 'POST',
      state: {
        params: { source: 'body', body: { max_results: 5 } },
        principal: { authenticated: true, username: 'alice', isAdmin: false, groups: [], method: 'basic' },
        policy: engine.snapshot(),
        path: '/api/2.0/mlflow/experiments/search',
        now: new Date(),
      },
    } as unknown as GatewayContext;

    await searchExperiments(deps, ctx);

    expect(ctx.status).to.equal(200);
    expect(ctx.body).to.deep.equal({ experiments: [{ experiment_id: '1' }, { experiment_id: '2' }] });
    // The next request sees the new policy.
    expect([...engine.snapshot().visible({ targets: [{ id: '3' }] } as never)]).to.deep.equal([]);
  });
});
