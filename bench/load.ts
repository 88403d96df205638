/**
 * Shared by the latency benchmarks: an upstream that answers at once, sequential keep-alive requests, and a
 * closed-loop load of concurrent keep-alive connections.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { type Summary, summarize } from './stats.js';

/** Requests measured per case (after 500 warm-up requests); BENCH_REQUESTS overrides. */
export const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 5000);

/** Answers every request at once with a small JSON body; run look-ups resolve to experiment 1. */
export async function instantUpstream(port = 0): Promise<{ url: string; close: () => void }> {
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
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
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

/** One kind of request a load sends; `body` makes a fresh JSON body for each request. */
export interface Workload {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: () => string;
}

/**
 * Sends `workload` on `concurrency` keep-alive connections, each sending its next request as soon as the last one
 * is answered, for `seconds`; summarises the latencies (ms). Any answer but 200 fails the load, with the first one
 * quoted.
 */
export async function concurrent(
  baseUrl: string,
  workload: Workload,
  concurrency: number,
  seconds: number,
  authorization?: string,
): Promise<Summary> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(baseUrl);
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure = '';
  const deadline = Date.now() + seconds * 1000;
  const once = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const payload = workload.body?.();
      const started = process.hrtime.bigint();
      const request = http.request(
        {
          hostname: url.hostname,
          port: url.port,
          path: workload.path,
          method: workload.method,
          agent,
          headers: {
            ...(authorization === undefined ? {} : { authorization }),
            ...(payload === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (response) => {
          const ok = response.statusCode === 200;
          let text = '';
          response.on('data', (chunk: Buffer) => {
            if (!ok && text.length < 300) text += chunk.toString();
          });
          response.on('end', () => {
            if (ok) {
              latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
            } else {
              failures += 1;
              firstFailure ||= `${response.statusCode} ${text.slice(0, 300)}`;
            }
            resolve();
          });
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  const began = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        await once();
      }
    }),
  );
  agent.destroy();
  if (failures > 0) {
    throw new Error(`${failures} requests of ${workload.name} failed against ${baseUrl}; the first: ${firstFailure}`);
  }
  return summarize(latencies, (Date.now() - began) / 1000);
}
