/**
 * What lets an operator trust and diagnose the logs: request ids a client cannot forge, and credentials that
 * are never silently chosen among.
 */
import { readFileSync } from 'node:fs';

import { expect } from 'chai';

import { rawExchange } from './raw-exchange.js';
import { basic, world } from './world.js';

function accessLine(requestId: string): Record<string, unknown> | undefined {
  return readFileSync(world.gateway.logFile, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((line) => line['msg'] === 'request' && line['request_id'] === requestId);
}

describe('diagnosability', () => {
  const path = (): string => `/api/2.0/mlflow/experiments/get?experiment_id=${world.sharedExperimentId}`;

  describe('request ids', () => {
    it("makes its own id for every request, and logs a client's well-formed X-Request-Id beside it", async () => {
      const ids: string[] = [];
      for (const credentials of [world.users.reader, world.users.admin]) {
        // Two callers sending the same id: in the logs they must stay two requests.
        const response = await fetch(`${world.gateway.url}${path()}`, {
          headers: { authorization: basic(credentials), 'x-request-id': 'shared-client-id' },
        });
        expect(response.status).to.equal(200);
        const id = response.headers.get('x-request-id') ?? '';
        expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        ids.push(id);
      }
      expect(ids[0]).to.not.equal(ids[1]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const lines = ids.map(accessLine);
      expect(lines.map((line) => line?.['client_request_id'])).to.deep.equal(['shared-client-id', 'shared-client-id']);
      expect(lines.map((line) => line?.['user'])).to.deep.equal(['reader', 'admin']);
    });

    it('drops a long or ill-formed X-Request-Id', async () => {
      for (const sent of ['x'.repeat(65), 'a;b']) {
        const response = await fetch(`${world.gateway.url}${path()}`, {
          headers: { authorization: basic(world.users.reader), 'x-request-id': sent },
        });
        const id = response.headers.get('x-request-id') ?? '';
        expect(id).to.not.equal(sent);
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(accessLine(id)).to.not.have.property('client_request_id');
      }
    });
  });

  describe('a repeated Authorization header', () => {
    for (const order of ['admin first', 'admin second']) {
      it(`is refused with 401 MLGATE_AUTH_MALFORMED (${order})`, async () => {
        const admin = `Authorization: ${basic(world.users.admin)}`;
        const outsider = `authorization: ${basic(world.users.outsider)}`;
        const headers = order === 'admin first' ? [admin, outsider] : [outsider, admin];
        const answer = await rawExchange(
          world.gateway.url,
          [`GET ${path()} HTTP/1.1`, 'Host: 127.0.0.1', ...headers, 'Connection: close', '', ''].join('\r\n'),
        );
        expect(answer.status).to.equal(401);
        const body = JSON.parse(answer.body) as { code: string; details: { reason: string } };
        expect(body.code).to.equal('MLGATE_AUTH_MALFORMED');
        expect(body.details.reason).to.equal('more than one Authorization header');
      });
    }
  });
});
