/** Shared by the latency benchmarks: an upstream that answers at once, and sequential keep-alive requests. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Requests measured per case (after 500 warm-up requests); BENCH_REQUESTS overrides. */
export const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 5000);

/** Answers every request at once with a small JSON body; run look-ups resolve to experiment 1. */
export async function instantUpstream(): Promise<{ url: string; close: () => void }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(
        req.url?.startsWith('/api/2.0/mlflow/runs/get')
          ? '{"run":{"info":{"run_id":"r","experiment_id":"1"}}}'
          : '{"experiment":{"experiment_id":"1","name":"bench"}}',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

/** Sends `count` sequential requests on one keep-alive connection; returns latencies in ms. */
export async function sequential(
  base: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(base);
  const once = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const request = http.request(
        {
          hostname: url.hostname,
          port: url.port,
          path,
          method: body === undefined ? 'GET' : 'POST',
          agent,
          headers:
            body === undefined
              ? headers
              : { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          response.resume();
          response.on('end', () =>
            response.statusCode === 200
              ? resolve(Number(process.hrtime.bigint() - started) / 1e6)
              : reject(new Error(`${path}: status ${response.statusCode}`)),
          );
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  for (let i = 0; i < 500; i++) await once();
  const latencies: number[] = [];
  for (let i = 0; i < REQUESTS; i++) latencies.push(await once());
  agent.destroy();
  return latencies;
}
