/** The instant upstream of bench/load.ts in a process of its own: `node instant-server.js <port>`. */
import { instantUpstream } from '../load.js';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) throw new Error('usage: instant-server.js <port>');
await instantUpstream(port);
