/** Raw HTTP for the requests fetch cannot send (a header repeated as separate lines: fetch joins them). */
import net from 'node:net';

/** Sends raw request text on its own connection and returns the status and body of the answer. */
export function rawExchange(url: string, text: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(text));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const answer = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = answer.split('\r\n\r\n', 2);
      resolve({ status: Number(head.split(' ')[1]), body });
    });
  });
}

/** A GET with exactly these header lines (and Host, Connection: close). */
export function rawGet(
  url: string,
  path: string,
  headerLines: readonly string[],
): Promise<{ status: number; body: string }> {
  return rawExchange(
    url,
    [`GET ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...headerLines, 'Connection: close', '', ''].join('\r\n'),
  );
}
