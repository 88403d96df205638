import http from 'node:http';
import net from 'node:net';

import { expect } from 'chai';

import { createMlflowClient } from '../../../src/mlflow/client.js';
import { createUpstream } from '../../../src/proxy/upstream.js';
import { close, listen } from '../../helpers/local-server.js';

interface Recorder {
  readonly url: string;
  /** The Connection header of each request MLflow received. */
  readonly connectionHeaders: (string | undefined)[];
  connections(): number;
  close(): Promise<void>;
}

/** Stands for MLflow: answers every request and counts the connections it accepted. */
async function recorder(): Promise<Recorder> {
  const connectionHeaders: (string | undefined)[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    connectionHeaders.push(req.headers.connection);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ experiment: { experiment_id: '1', name: 'x' } }));
  });
  server.on('connection', () => (connections += 1));
  const url = await listen(server);
  return { url, connectionHeaders, connections: () => connections, close: () => close(server) };
}

/** Three requests back to back on one kept-alive client connection, through createUpstream. */
async function throughGateway(mlflowUrl: string, keepAlive: boolean | undefined): Promise<void> {
  const upstream = createUpstream({
    url: mlflowUrl,
    timeoutMs: 5_000,
    ...(keepAlive === undefined ? {} : { keepAlive }),
  });
  const front = http.createServer((req, res) => void upstream.forward(req, res, { requestId: 'test' }));
  const frontUrl = await listen(front);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < 3; i += 1) {
      const response = await fetchWith(agent, `${frontUrl}/api/2.0/mlflow/experiments/get?experiment_id=1`);
      expect(response.status).to.equal(200);
      expect(response.connection, "the client's own connection stays kept alive").to.equal('keep-alive');
    }
  } finally {
    agent.destroy();
    upstream.close();
    await close(front);
  }
}

function fetchWith(agent: http.Agent, url: string): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (response) => {
        response.resume();
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, connection: response.headers.connection }),
        );
      })
      .on('error', reject);
  });
}

describe('connections to MLflow (upstream.keep_alive)', () => {
  let mlflow: Recorder;
  beforeEach(async () => (mlflow = await recorder()));
  afterEach(() => mlflow.close());

  it('by default, opens one connection per proxied request and tells MLflow to close it', async () => {
    await throughGateway(mlflow.url, undefined);
    expect(mlflow.connections()).to.equal(3);
    expect(mlflow.connectionHeaders).to.deep.equal(['close', 'close', 'close']);
  });

  it('kept alive, reuses one connection for proxied requests back to back', async () => {
    await throughGateway(mlflow.url, true);
    expect(mlflow.connections()).to.equal(1);
    expect(mlflow.connectionHeaders).to.deep.equal(['keep-alive', 'keep-alive', 'keep-alive']);
  });

  it("answers an HTTP/1.0 client with its own connection's header, not the one sent to MLflow", async () => {
    // http-proxy answers an HTTP/1.0 client with the Connection header of the request it proxied: with keep_alive on
    // that was the gateway's "keep-alive" to MLflow, so a client that asked nothing had its connection held open.
    const upstream = createUpstream({ url: mlflow.url, timeoutMs: 5_000, keepAlive: true });
    const front = http.createServer((req, res) => void upstream.forward(req, res, { requestId: 'test' }));
    const port = Number(new URL(await listen(front)).port);
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        let text = '';
        const socket = net.connect(port, '127.0.0.1', () =>
          socket.write('GET /api/2.0/mlflow/experiments/get?experiment_id=1 HTTP/1.0\r\nHost: x\r\n\r\n'),
        );
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (text += chunk));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
        socket.setTimeout(2_000, () => reject(new Error(`the connection was left open: ${text.split('\r\n')[0]}`)));
      });
      expect(answer).to.match(/^HTTP\/1\.1 200/);
      expect(answer.toLowerCase()).to.include('connection: close');
      expect(mlflow.connectionHeaders).to.deep.equal(['keep-alive']);
    } finally {
      upstream.close();
      await close(front);
    }
  });

  it("by default, gives each of the gateway's own look-ups its own connection too", async () => {
    const client = createMlflowClient({ baseUrl: mlflow.url, timeoutMs: 5_000, maxResponseBytes: 1e6 });
    for (let i = 0; i < 3; i += 1) {
      expect(await client.experimentNameById('1')).to.equal('x');
    }
    expect(mlflow.connections()).to.equal(3);
    expect(mlflow.connectionHeaders).to.deep.equal(['close', 'close', 'close']);
  });
});
