import http from 'node:http';

import { expect } from 'chai';

import { MlgateError } from '../../../src/errors.js';
import { createUpstream } from '../../../src/proxy/upstream.js';
import { close, listen } from '../../helpers/local-server.js';

const LIMIT = 1_000;

/** A chunked upload of `size` bytes through `url`, with the given extra headers: its status and how long it took. */
function upload(url: string, size: number, headers: http.OutgoingHttpHeaders): Promise<{ status: number; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'PUT', headers: { 'transfer-encoding': 'chunked', ...headers } });
    request.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, ms: Date.now() - started }));
    });
    request.on('error', reject);
    const send = (): void => {
      for (let sent = 0; sent < size; sent += 500) request.write(Buffer.alloc(500, 1));
      request.end();
    };
    // As curl does: the body after MLflow's (here the gateway's) 100 Continue.
    if (headers['expect'] !== undefined) request.on('continue', send);
    else send();
  });
}

describe('a streamed upload past its limit (upstream.ts streamLimit)', () => {
  let mlflow: http.Server;
  let front: http.Server;
  let upstream: ReturnType<typeof createUpstream>;
  let frontUrl: string;

  beforeEach(async () => {
    // MLflow reads the body and never answers: only the gateway's cut can end the exchange before the timeout.
    mlflow = http.createServer((req) => req.resume());
    upstream = createUpstream({ url: await listen(mlflow), timeoutMs: 15_000 });
    front = http.createServer((req, res) => {
      upstream.forward(req, res, { requestId: 'test', streamLimit: LIMIT }).catch((error: unknown) => {
        res.statusCode = error instanceof MlgateError ? error.status : 500;
        res.end(error instanceof MlgateError ? error.code : String(error));
      });
    });
    frontUrl = `${await listen(front)}/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/x.bin`;
  });

  afterEach(async () => {
    upstream.close();
    await close(front);
    await close(mlflow);
  });

  it('is refused (413) at once', async () => {
    const answer = await upload(frontUrl, 10 * LIMIT, {});
    expect(answer.status).to.equal(413);
    expect(answer.ms).to.be.below(5_000);
  });

  it('is refused (413) at once when the client sent Expect: 100-continue (curl does for large files)', async () => {
    // http-proxy emits no 'proxyReq' for a request carrying Expect, so the cut never reached MLflow's request: the
    // answer waited for upstream.timeout_ms (5 minutes by default) and held one of the gateway's upstream sockets.
    const answer = await upload(frontUrl, 10 * LIMIT, { expect: '100-continue' });
    expect(answer.status).to.equal(413);
    expect(answer.ms).to.be.below(5_000);
  });
});
