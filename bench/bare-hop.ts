/**
 * A bare proxy hop, the floor the gateway's own cost is measured against: Node's http server and `http-proxy` with a
 * keep-alive agent, nothing else. Run as its own process so its CPU is its own:
 *   node dist/bench/bare-hop.js <upstream url> <port>
 * Prints "ready" once it listens.
 */
import http from 'node:http';

import httpProxy from 'http-proxy';

const [target, port] = process.argv.slice(2);
if (target === undefined || port === undefined) {
  console.error('usage: bare-hop.js <upstream url> <port>');
  process.exit(2);
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const proxy = httpProxy.createProxyServer({ target, agent });
proxy.on('error', (_error, _req, res) => {
  if (res instanceof http.ServerResponse && !res.headersSent) {
    res.writeHead(502).end();
  }
});
http.createServer((req, res) => proxy.web(req, res)).listen(Number(port), '127.0.0.1', () => console.log('ready'));
