/**
 * A bare reverse-proxy hop, the floor a gateway's own latency is held against: Node's http server handing every
 * request to http-proxy (the library mlgate's upstream uses) over a keep-alive agent, nothing else.
 * `node bare-hop-server.js <port> <upstream url>`.
 */
import http from 'node:http';

import httpProxy from 'http-proxy';

const port = Number(process.argv[2]);
const target = process.argv[3];
if (!Number.isInteger(port) || port <= 0 || target === undefined) {
  throw new Error('usage: bare-hop-server.js <port> <upstream url>');
}
const proxy = httpProxy.createProxyServer({ target, agent: new http.Agent({ keepAlive: true }) });
proxy.on('error', (_error, _req, res) => {
  if (res instanceof http.ServerResponse && !res.headersSent) res.writeHead(502);
  res.end();
});
http.createServer((req, res) => proxy.web(req, res)).listen(port, '127.0.0.1');
