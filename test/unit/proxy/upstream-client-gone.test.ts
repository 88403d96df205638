import http from 'node:http';
import net from 'node:net';

import { expect } from 'chai';

import { createUpstream } from '../../../src/proxy/upstream.js';
import { close, listen } from '../../helpers/local-server.js';

describe('a client that leaves in the middle of a streamed answer (upstream.ts)', () => {
  let mlflow: http.Server;
  let front: http.Server;
  let upstream: ReturnType<typeof createUpstream>;
  let port: number;
  /** Resolves when MLflow's side of the download is closed: how long after it began. */
  let mlflowClosed: Promise<number>;

  beforeEach(async () => {
    let closed: (ms: number) => void = () => undefined;
    mlflowClosed = new Promise((resolve) => (closed = resolve));
    // MLflow sends a large artifact as fast as it is read.
    mlflow = http.createServer((_req, res) => {
      const started = Date.now();
      res.on('close', () => closed(Date.now() - started));
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk));
      };
      res.on('drain', pump);
      pump();
    });
    upstream = createUpstream({ url: await listen(mlflow), timeoutMs: 15_000 });
    front = http.createServer((req, res) => void upstream.forward(req, res, { requestId: 'test' }));
    port = Number(new URL(await listen(front)).port);
  });

  afterEach(async () => {
    upstream.close();
    await close(front);
    await close(mlflow);
  });

  it("drops MLflow's connection at once, not after upstream.timeout_ms", async () => {
    // A download read slowly (the gateway is held back), then abandoned, as curl --limit-rate --max-time does.
    const socket = net.connect(port, '127.0.0.1');
    socket.write('GET /get-artifact?path=model.bin&run_uuid=r HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => socket.once('data', resolve));
    socket.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.destroy();
    // Left paused, the answer held its connection (and one of the gateway's 256 upstream sockets) for
    // upstream.timeout_ms: a few hundred abandoned downloads stalled every proxied request for 5 minutes.
    const ms = await Promise.race([
      mlflowClosed,
      new Promise<number>((resolve) => setTimeout(() => resolve(-1), 5_000)),
    ]);
    expect(ms, "MLflow's connection still open 5 s after the client left").to.be.above(0);
  });
});
