/**
 * The look-up client against small HTTP servers on 127.0.0.1 that misbehave the way a broken or hostile
 * upstream could: trickling bytes, answering without end, or receiving ids it cannot be sent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { expect } from 'chai';

import { MlgateError } from '../../../src/errors.js';
import { createMlflowClient } from '../../../src/mlflow/client.js';

interface FakeServer {
  readonly url: string;
  readonly requests: string[];
  close(): Promise<void>;
}

async function serve(handler: http.RequestListener): Promise<FakeServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function failure(promise: Promise<unknown>): Promise<MlgateError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(MlgateError);
    return error as MlgateError;
  }
  return expect.fail('expected the look-up to fail');
}

describe('MLflow look-up client', () => {
  const servers: FakeServer[] = [];
  const start = async (handler: http.RequestListener): Promise<FakeServer> => {
    const server = await serve(handler);
    servers.push(server);
    return server;
  };
  // One connection per call (the default): nothing is left open between tests.
  const client = (server: FakeServer, options: { timeoutMs?: number; maxResponseBytes?: number } = {}) =>
    createMlflowClient({
      baseUrl: server.url,
      timeoutMs: options.timeoutMs ?? 5_000,
      maxResponseBytes: options.maxResponseBytes ?? 1024 * 1024,
    });

  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });

  it('reads the experiment of a run', async () => {
    const server = await start((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ run: { info: { experiment_id: '3' } } }));
    });
    expect(await client(server).runExperimentId('r1')).to.equal('3');
    expect(server.requests).to.deep.equal(['/api/2.0/mlflow/runs/get?run_id=r1']);
  });

  it('gives up after lookup_timeout_ms in total, even when MLflow trickles a byte every 50 ms', async () => {
    let sent = 0;
    const server = await start((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const body = JSON.stringify({ run: { info: { experiment_id: '3' } } }).padEnd(4_000, ' ');
      const timer = setInterval(() => {
        if (res.destroyed || sent >= body.length) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write(body[sent] ?? ' ');
        sent += 1;
      }, 50);
      res.on('close', () => clearInterval(timer));
    });
    const error = await failure(client(server, { timeoutMs: 400 }).runExperimentId('r1'));
    expect(error.code).to.equal('MLGATE_UPSTREAM_TIMEOUT');
    expect(error.details?.['timeout_ms']).to.equal(400);
    // Measured in bytes the server managed to send, not in wall-clock time: 400 ms is about 8 of them.
    expect(sent).to.be.below(100);
  });

  it('cuts an answer larger than lookup_max_response_bytes without reading it all', async () => {
    let written = 0;
    let closed = false;
    const total = 512 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const server = await start((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.on('close', () => {
        closed = true;
      });
      const pump = (): void => {
        while (!closed && written < total) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
    const error = await failure(client(server, { maxResponseBytes: 256 * 1024 }).runExperimentId('r1'));
    expect(error.code).to.equal('MLGATE_UPSTREAM_INVALID_RESPONSE');
    expect(error.details?.['limit_bytes']).to.equal(256 * 1024);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closed, 'the gateway closed the connection').to.equal(true);
    expect(written).to.be.below(64 * 1024 * 1024);
  });

  it('refuses at once an answer that declares a length over the cap', async () => {
    const server = await start((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) });
      res.write('{');
    });
    const error = await failure(
      client(server, { maxResponseBytes: 256 * 1024, timeoutMs: 10_000 }).runExperimentId('r1'),
    );
    expect(error.code).to.equal('MLGATE_UPSTREAM_INVALID_RESPONSE');
  });

  it('applies the cap to search pages too', async () => {
    const server = await start((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ experiments: [], pad: 'x'.repeat(300 * 1024) }));
    });
    const error = await failure(client(server, { maxResponseBytes: 256 * 1024 }).searchExperiments({}));
    expect(error.code).to.equal('MLGATE_UPSTREAM_INVALID_RESPONSE');
  });

  it('never throws a URIError and never sends an id that is not a well-formed string', async () => {
    const server = await start((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error_code":"RESOURCE_DOES_NOT_EXIST"}');
    });
    const lookups = client(server);
    for (const attempt of [
      () => lookups.loggedModelExperimentId('m-\ud800'),
      () => lookups.runExperimentId('r-\udc00x'),
      () => lookups.experimentIdByName('name-\ud800'),
    ]) {
      const error = await failure(attempt());
      expect(error.code).to.equal('MLGATE_REQUEST_INVALID');
    }
    expect(server.requests).to.deep.equal([]);
    // A well-formed id outside the BMP is fine.
    expect(await lookups.loggedModelExperimentId('m-\ud83d\ude00')).to.equal(null);
    expect(server.requests).to.deep.equal(['/api/2.0/mlflow/logged-models/m-%F0%9F%98%80']);
  });
});
