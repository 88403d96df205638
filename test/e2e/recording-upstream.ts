/** An HTTP server standing in for MLflow that records what it receives. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { world } from './world.js';

export interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** An HTTP server standing in for MLflow that records what it receives (it answers run look-ups). */
export async function recordingUpstream(): Promise<{ url: string; requests: Recorded[]; close: () => Promise<void> }> {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/api/2.0/mlflow/runs/get')) {
        res.end(JSON.stringify({ run: { info: { run_id: 'r', experiment_id: world.sharedExperimentId } } }));
      } else {
        res.end('{}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
