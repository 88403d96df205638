import type { AddressInfo } from 'node:net';

import { expect } from 'chai';
import Koa from 'koa';

import { errorBoundary } from '../../../src/http/error-boundary.js';
import type { GatewayState } from '../../../src/http/state.js';
import { createLogger } from '../../../src/logging.js';

describe('error boundary', () => {
  it('logs an internal error with its stack, and answers 500 without it', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', format: 'json', write: (line) => lines.push(line) });
    const app = new Koa<GatewayState>();
    app.use(async (ctx, next) => {
      ctx.state.requestId = 'r-1';
      ctx.state.logger = logger;
      await next();
    });
    app.use(errorBoundary());
    app.use(() => {
      throw new RangeError('index out of range in the gateway');
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x`);
      const body = (await response.json()) as Record<string, unknown>;
      expect(response.status).to.equal(500);
      expect(body['code']).to.equal('MLGATE_INTERNAL');
      expect(JSON.stringify(body)).to.not.include('index out of range');
    } finally {
      server.close();
    }
    const failed = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((l) => l['level'] === 'error');
    expect(failed?.['code']).to.equal('MLGATE_INTERNAL');
    const err = failed?.['err'] as Record<string, unknown>;
    expect(err['stack']).to.be.a('string').and.include('RangeError: index out of range in the gateway');
    expect(err['stack']).to.match(/error-boundary\.test\.[jt]s:/);
  });
});
