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
        expect(line['status']).to.equal(499);
        expect(line['outcome']).to.equal('client_closed');
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
});
