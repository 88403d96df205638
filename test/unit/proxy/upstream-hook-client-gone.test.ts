/**
 * A captured answer's hook (a filtered list deciding its rows with the request's policy snapshot, a creator's grant)
 * is part of the exchange: when the client leaves before it ran, forward() settles only once it has, so the request
 * (and the policy snapshot the authorize stage releases when it ends) outlives the hook's use of it.
 */
import http from 'node:http';
import net from 'node:net';

import { expect } from 'chai';

import type { CapturedResponse, ForwardOutcome } from '../../../src/proxy/upstream.js';
import { createUpstream } from '../../../src/proxy/upstream.js';
import { close, listen } from '../../helpers/local-server.js';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('a client that leaves before the hook of a captured answer ran (upstream.ts)', () => {
  let mlflow: http.Server;
  let front: http.Server;
  let upstream: ReturnType<typeof createUpstream>;
  let port: number;
  /** How long MLflow waits before it answers. */
  let answerAfterMs: number;
  /** What happened, in order. */
  let events: string[];
  let settled: Promise<ForwardOutcome | Error>;
  /** Lets the hook finish. */
  let openGate: () => void;
  let hookStarted: Promise<void>;

  beforeEach(async () => {
    events = [];
    let started: () => void = () => undefined;
    hookStarted = new Promise((resolve) => (started = resolve));
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    mlflow = http.createServer((_req, res) => {
      setTimeout(() => res.end('{"endpoints":[]}'), answerAfterMs);
    });
    upstream = createUpstream({ url: await listen(mlflow), timeoutMs: 15_000 });
    const hook = async (response: CapturedResponse): Promise<CapturedResponse> => {
      events.push('hook started');
      started();
      await gate;
      events.push('hook done');
      return response;
    };
    let settle: (outcome: ForwardOutcome | Error) => void = () => undefined;
    settled = new Promise((resolve) => (settle = resolve));
    front = http.createServer((req, res) => {
      upstream.forward(req, res, { requestId: 'test', onResponse: hook }).then(
        (outcome) => {
          events.push(`settled ${outcome}`);
          settle(outcome);
        },
        (error: Error) => {
          events.push('settled with an error');
          settle(error);
        },
      );
    });
    port = Number(new URL(await listen(front)).port);
  });

  afterEach(async () => {
    openGate();
    upstream.close();
    await close(front);
    await close(mlflow);
  });

  /**
   * Sends the request and, once it is written (destroying a socket still connecting would drop it unsent), leaves when
   * `then()` settles.
   */
  async function leave(then: () => Promise<void>): Promise<void> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) =>
      socket.write('GET /api/3.0/mlflow/gateway/endpoints/list HTTP/1.1\r\nHost: x\r\n\r\n', (error) =>
        error ? reject(error) : resolve(),
      ),
    );
    await then();
    socket.destroy();
  }

  it('settles after the hook, when the client left while it ran', async () => {
    answerAfterMs = 0;
    // Leaves only once the hook has started: leaving earlier races MLflow's answer (see the next test).
    await leave(() => hookStarted);
    await pause(200);
    expect(events, 'settled while the hook still ran').to.deep.equal(['hook started']);
    openGate();
    expect(await settled).to.equal('client-closed');
    expect(events).to.deep.equal(['hook started', 'hook done', 'settled client-closed']);
  });

  it('settles after the hook, when the client left before MLflow answered', async () => {
    answerAfterMs = 300;
    await leave(() => pause(50));
    await hookStarted;
    openGate();
    expect(await settled).to.equal('client-closed');
    expect(events).to.deep.equal(['hook started', 'hook done', 'settled client-closed']);
  });
});
