import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { expect } from 'chai';

import { createMlflowClient } from '../../../src/mlflow/client.js';
import { IDLE_SOCKET_TIMEOUT_MS } from '../../../src/proxy/idle-sockets.js';

describe('kept-alive connections to MLflow', () => {
  it('are reused while busy and closed by the gateway once idle, before MLflow would close them', async function () {
    this.timeout(10_000);
    let connections = 0;
    let closedByClient = 0;
    const server = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ experiment: { experiment_id: '1', name: 'x' } }));
    });
    // As uvicorn: MLflow would close an idle connection after 5 s.
    server.keepAliveTimeout = 5_000;
    server.on('connection', (socket) => {
      connections += 1;
      socket.on('end', () => (closedByClient += 1));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const client = createMlflowClient({
        baseUrl: `http://127.0.0.1:${port}`,
        timeoutMs: 5_000,
        maxResponseBytes: 1e6,
        keepAlive: true,
      });
      await client.experimentNameById('1');
      await client.experimentNameById('1');
      expect(connections, 'back to back: one connection').to.equal(1);
      await new Promise((resolve) => setTimeout(resolve, IDLE_SOCKET_TIMEOUT_MS + 500));
      expect(closedByClient, 'idle: closed by the gateway').to.equal(1);
      await client.experimentNameById('1');
      expect(connections).to.equal(2);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
