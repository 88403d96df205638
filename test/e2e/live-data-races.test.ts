/**
 * Live permission data under concurrent writers (issue 8, item 4; h/attack-delta): two gateway processes on one
 * FerretDB, each taking permission writes at the same time. FerretDB keeps only one of two concurrent updates of one
 * document; when replicas learnt which parts changed from one shared document, a rule removed while other writes ran
 * stayed in force on every replica (the removal's part was overwritten) until the next full read, minutes later.
 */
import { expect } from 'chai';

import type { Service } from '../../scripts/services.js';
import { STALENESS_BOUND_MS, experimentStatus, waitForStatus } from './replica-wait.js';
import { type Credentials, basic, cli, startExtraGateway, world } from './world.js';

async function call(
  url: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: basic(world.users.admin), 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? null : (JSON.parse(text) as unknown) };
}

describe('live permission data with writes through two gateways at once (e2e)', function () {
  this.timeout(300_000);
  let other: Service;
  let racer: Credentials;
  let experimentId: string;
  /** The rules this file adds, removed after it: later files expect the rules they find (and none on a fake MLflow). */
  const rulesAdded: string[] = [];
  /** How many rules the main gateway has loaded (its readiness). */
  const loadedRules = async (): Promise<number> => {
    const ready = (await (await fetch(`${world.gateway.url}/_mlgate/health/ready`)).json()) as {
      checks: { permission_data: { rules: number } };
    };
    return ready.checks.permission_data.rules;
  };
  let rulesBefore: number;

  before(async () => {
    rulesBefore = await loadedRules();
    other = await startExtraGateway('race-replica');
    await cli(['user', 'create', 'race-user']);
    racer = { username: 'race-user', token: await cli(['token', 'create', 'race-user']) };
    const created = await call(world.gateway.url, 'POST', '/api/2.0/mlflow/experiments/create', { name: 'race/x' });
    expect(created.status).to.equal(200);
    experimentId = (created.json as { experiment_id: string }).experiment_id;
  });

  after(async () => {
    for (const id of rulesAdded) {
      const removed = await call(world.gateway.url, 'DELETE', `/_mlgate/api/rules/${id}`);
      expect([204, 404], `removing rule ${id}`).to.include(removed.status);
    }
    const deadline = Date.now() + STALENESS_BOUND_MS * 5;
    while ((await loadedRules()) !== rulesBefore) {
      if (Date.now() > deadline) throw new Error(`the gateway still has rules this file added: ${await loadedRules()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  it('a rule removed while 24 other rule and grant writes run through both gateways stops applying on both', async () => {
    const urls = [world.gateway.url, other.url];
    for (let round = 0; round < 8; round++) {
      const added = await call(world.gateway.url, 'POST', '/_mlgate/api/rules', {
        user: 'race-user',
        pattern: 'race/.*',
        priority: 1,
        permission: 'READ',
        resource_type: 'experiment',
      });
      expect(added.status).to.equal(201);
      for (const url of urls) await waitForStatus(experimentStatus(url, racer, experimentId), 200);

      // The removal through one gateway, and through both: other users' rules, and experiments (their creators'
      // grants: writes of what replicas cache, which change the version too).
      const others = Array.from({ length: 24 }, (_, i) =>
        i % 3 === 2
          ? call(urls[i % 2]!, 'POST', '/api/2.0/mlflow/experiments/create', { name: `race/${round}-${i}` })
          : call(urls[i % 2]!, 'POST', '/_mlgate/api/rules', {
              user: `race-other-${round}-${i}`,
              pattern: `other-${i}/.*`,
              priority: 5,
              permission: 'READ',
              resource_type: i % 2 === 0 ? 'experiment' : 'registered_model',
            }),
      );
      const removed = call(urls[round % 2]!, 'DELETE', `/_mlgate/api/rules/${(added.json as { id: string }).id}`);
      const results = await Promise.all([removed, ...others]);
      for (const result of results) {
        const id = (result.json as { id?: unknown } | null)?.id;
        if (typeof id === 'string' && id.startsWith('rx-')) rulesAdded.push(id);
      }
      expect(results.map((r) => r.status).filter((s) => s >= 300)).to.deep.equal([]);

      for (const url of urls) {
        const ms = await waitForStatus(experimentStatus(url, racer, experimentId), 403).catch(() => {
          throw new Error(`round ${round}: ${url} still allows race-user ${STALENESS_BOUND_MS} ms after the removal`);
        });
        expect(ms).to.be.below(STALENESS_BOUND_MS);
      }
    }
  });
});
