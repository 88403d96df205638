/**
 * Clients that misbehave at the connection level: they go away right after sending, go away while MLflow is
 * answering, or announce a body and stall. Every request must end in one access-log line with its outcome, and
 * no connection may be held forever; slow-but-progressing clients and a slow MLflow must not be cut.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

import { expect } from 'chai';

import { basic, startExtraGateway, world } from './world.js';

type LogLine = Record<string, unknown>;

/** The gateway's JSON log lines so far. */
function logLines(logFile: string): LogLine[] {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** Waits until `count` access-log lines match `path`, and returns them (or those found after `limitMs`). */
async function accessLines(logFile: string, path: string, count: number, limitMs = 10_000): Promise<LogLine[]> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const lines = logLines(logFile).filter((line) => line['msg'] === 'request' && line['path'] === path);
    if (lines.length >= count || Date.now() > deadline) {
      return lines;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Raw HTTP/1.1 request text. */
function rawRequest(method: string, path: string, headers: Record<string, string>, body = ''): string {
  const lines = [
    `${method} ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return lines.join('\r\n') + '\r\n\r\n' + body;
}

/** A stand-in for MLflow that answers `delayMs` after it has read a whole request, and records what it got. */
async function slowUpstream(delayMs: number): Promise<{
  url: string;
  received: { url: string; body: string }[];
  close: () => Promise<void>;
}> {
  const received: { url: string; body: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ url: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        res.end('{}');
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Resolves with how long the gateway took to close a raw connection (or "open" after `limitMs`). */
function closedWithin(socket: net.Socket, limitMs: number): Promise<number | 'open'> {
  const started = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('open');
    }, limitMs);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}

function connect(url: string): Promise<net.Socket> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('connections', () => {
  describe('a client that goes away', () => {
    it('logs every write whose client closed right after sending it', async () => {
      // Credentials cached (as on a busy gateway), runs not yet resolved: the body is read at once, then the
      // gateway waits for MLflow to resolve the run while the client's close arrives.
      const gateway = await startExtraGateway('client-closes', { MLGATE_CACHE_TTL_MS: '60000' });
      const headers = { authorization: basic(world.users.editor), 'content-type': 'application/json' };
      const warm = await fetch(
        `${gateway.url}/api/2.0/mlflow/experiments/get?experiment_id=${world.sharedExperimentId}`,
        {
          headers,
        },
      );
      expect(warm.status).to.equal(200);
      const path = '/api/2.0/mlflow/runs/set-tag';
      const count = 5;
      for (let i = 0; i < count; i++) {
        const created = await fetch(`${world.gateway.url}/api/2.0/mlflow/runs/create`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ experiment_id: world.sharedExperimentId }),
        });
        expect(created.status).to.equal(200);
        const runId = ((await created.json()) as { run: { info: { run_id: string } } }).run.info.run_id;
        const body = JSON.stringify({ run_id: runId, key: 'gone', value: 'v' });
        const socket = await connect(gateway.url);
        socket.on('error', () => undefined);
        socket.end(rawRequest('POST', path, { ...headers, 'content-length': String(Buffer.byteLength(body)) }, body));
      }
      const lines = await accessLines(gateway.logFile, path, count);
      expect(lines, 'one access-log line per request').to.have.length(count);
      for (const line of lines) {
        // A half-closed connection (FIN) may still be answered; either way the line says what happened.
        expect([
          ['client_closed', 499],
          ['completed', 200],
        ]).to.deep.include([line['outcome'], line['status']]);
        expect(line['user']).to.equal('editor');
        expect(line['operation']).to.equal('SetTag');
      }
    });

    it('logs a request that reached MLflow when its client leaves before the answer', async () => {
      const upstream = await slowUpstream(1_500);
      try {
        const gateway = await startExtraGateway('client-leaves-midway', { MLGATE_UPSTREAM_URL: upstream.url });
        // A route the catalogue does not know: an administrator's request goes straight to MLflow.
        const path = '/api/2.0/mlflow/slow-answer';
        const request = http.get(`${gateway.url}${path}`, {
          headers: { authorization: basic(world.users.admin) },
        });
        request.on('error', () => undefined);
        const deadline = Date.now() + 5_000;
        while (!upstream.received.some((r) => r.url === path) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(upstream.received.map((r) => r.url)).to.include(path);
        request.destroy();
        const lines = await accessLines(gateway.logFile, path, 1);
        expect(lines).to.have.length(1);
        expect(lines[0]?.['status']).to.equal(499);
        expect(lines[0]?.['outcome']).to.equal('client_closed');
        expect(lines[0]?.['forwarded']).to.equal(true);
      } finally {
        await upstream.close();
      }
    });
  });

  describe('slow clients (server.body_idle_timeout_ms = 1000)', () => {
    const idleMs = 1_000;
    let upstream: Awaited<ReturnType<typeof slowUpstream>>;
    let gatewayUrl: string;
    let logFile: string;

    before(async () => {
      upstream = await slowUpstream(2_500);
      const gateway = await startExtraGateway('slow-clients', {
        MLGATE_UPSTREAM_URL: upstream.url,
        MLGATE_SERVER_BODY_IDLE_TIMEOUT_MS: String(idleMs),
      });
      gatewayUrl = gateway.url;
      logFile = gateway.logFile;
    });
    after(() => upstream.close());

    it('cuts a streamed body that was announced (chunked) and never sent', async () => {
      const socket = await connect(gatewayUrl);
      const path = '/api/2.0/mlflow/stalled-upload';
      socket.write(
        rawRequest('POST', path, { authorization: basic(world.users.admin), 'transfer-encoding': 'chunked' }) +
          '5\r\nhello\r\n',
      );
      const closed = await closedWithin(socket, idleMs * 4);
      expect(closed, 'the gateway closed the connection').to.be.a('number');
      expect(closed).to.be.at.least(idleMs - 100);
      const lines = await accessLines(logFile, path, 1);
      expect(lines).to.have.length(1);
      expect(lines[0]?.['outcome']).to.equal('body_idle_timeout');
      expect(lines[0]?.['status']).to.equal(408);
    });

    it('cuts a JSON body the gateway is reading when it stalls', async () => {
      const socket = await connect(gatewayUrl);
      const path = '/api/2.0/mlflow/runs/set-tag';
      socket.write(
        rawRequest(
          'POST',
          path,
          { authorization: basic(world.users.admin), 'content-type': 'application/json', 'content-length': '200' },
          '{"run_id": "',
        ),
      );
      const closed = await closedWithin(socket, idleMs * 4);
      expect(closed, 'the gateway closed the connection').to.be.a('number');
      const lines = await accessLines(logFile, path, 1);
      expect(lines).to.have.length(1);
      expect(lines[0]?.['outcome']).to.equal('body_idle_timeout');
    });

    it('does not cut a body that arrives slowly but steadily', async () => {
      const path = '/api/2.0/mlflow/slow-upload';
      const parts = ['{"a":', ' 1,', ' "b":', ' 2,', ' "c": 3}'];
      const status = await new Promise<number>((resolve, reject) => {
        const request = http.request(
          `${gatewayUrl}${path}`,
          { method: 'POST', headers: { authorization: basic(world.users.admin), 'content-type': 'application/json' } },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        request.on('error', reject);
        let i = 0;
        const next = (): void => {
          const part = parts[i++];
          if (part === undefined) {
            request.end();
            return;
          }
          request.write(part);
          setTimeout(next, idleMs * 0.6);
        };
        next();
      });
      expect(status).to.equal(200);
      expect(upstream.received.find((r) => r.url === path)?.body).to.equal(parts.join(''));
    });

    it('does not cut a request whose body is complete while MLflow takes longer than the idle timeout', async () => {
      const started = Date.now();
      const response = await fetch(`${gatewayUrl}/api/2.0/mlflow/slow-answer`, {
        method: 'POST',
        headers: { authorization: basic(world.users.admin), 'content-type': 'application/json' },
        body: '{"x": 1}',
      });
      expect(response.status).to.equal(200);
      expect(await response.text()).to.equal('{}');
      expect(Date.now() - started).to.be.at.least(2_500);
    });
  });
});
