/**
 * One artifact transfer over HTTP, streamed both ways: an upload (PUT) of `size` bytes written from one reused
 * 1 MiB buffer with back-pressure, or a download (GET) whose body is counted and dropped. Nothing is held in memory.
 */
import http from 'node:http';

export const MIB = 1024 * 1024;
const CHUNK = Buffer.alloc(MIB, 0x5a);

/** Sends the transfer; resolves with its wall time and the bytes sent (PUT) or received (GET). */
export function transfer(
  baseUrl: string,
  method: 'PUT' | 'GET',
  path: string,
  authorization: string | undefined,
  size: number,
): Promise<{ seconds: number; bytes: number }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    let received = 0;
    const req = http.request(
      {
        hostname: url.hostname,
        port: url.port,
        method,
        path,
        headers: {
          ...(authorization === undefined ? {} : { authorization }),
          ...(method === 'PUT' ? { 'content-length': size } : {}),
        },
      },
      (response) => {
        response.on('data', (chunk: Buffer) => (received += chunk.length));
        response.on('end', () => {
          if (response.statusCode !== 200) {
            reject(new Error(`${method} ${path} via ${baseUrl}: ${response.statusCode}`));
            return;
          }
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          resolve({ seconds, bytes: method === 'PUT' ? size : received });
        });
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    if (method === 'GET') {
      req.end();
      return;
    }
    let sent = 0;
    const write = (): void => {
      while (sent < size) {
        const n = Math.min(CHUNK.length, size - sent);
        sent += n;
        if (!req.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) {
          req.once('drain', write);
          return;
        }
      }
      req.end();
    };
    write();
  });
}
