/**
 * Browser sessions through the real session stage (koa-session) on two gateway "replicas" (two Koa apps, each with
 * its own session manager and MongoDB client) sharing one FerretDB.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

import { expect } from 'chai';
import Koa from 'koa';

import { type InstalledSessions, createSessionManager } from '../../src/auth/session/manager.js';
import { errorBoundary } from '../../src/http/error-boundary.js';
import type { GatewayState } from '../../src/http/state.js';
import { transportStage } from '../../src/http/transport.js';
import { silentLogger } from '../../src/logging.js';
import { openMongoStore } from '../../src/store/mongo/store.js';
import type { Store } from '../../src/store/types.js';
import { type FerretDB, newSecretKey, startFerretDB } from '../../scripts/services.js';
import { tempDir } from '../helpers/tmp.js';

const MINUTE = 60_000;

interface Replica {
  readonly url: string;
  readonly store: Store;
  readonly sessions: InstalledSessions;
  close(): Promise<void>;
}

describe('browser sessions (koa-session, stored in MongoDB, shared by replicas)', () => {
  const tmp = tempDir('sessions');
  const secret = newSecretKey();
  let ferret: FerretDB;
  let clock = Date.now();
  let slowGate: Promise<void> = Promise.resolve();
  /** Called by /slow once its session is loaded (the handler runs after the session stage). */
  let slowReached: () => void = () => undefined;
  const replicas: Replica[] = [];

  async function startReplica(
    options: { secretKey?: string; cookieSecure?: 'auto' | 'always'; trustedProxies?: string[] } = {},
  ): Promise<Replica> {
    const store = await openMongoStore({ uri: ferret.uri, database: 'sessions_test', timeoutMs: 5000 });
    const sessions = createSessionManager({
      repository: store.sessions,
      secretKey: options.secretKey ?? secret,
      settings: {
        cookieName: 'mlgate_session',
        cookieSecure: options.cookieSecure ?? 'auto',
        maxAgeMs: 60 * MINUTE,
        idleMs: 10 * MINUTE,
        touchIntervalMs: MINUTE,
      },
      logger: silentLogger,
      now: () => new Date(clock),
    });
    const app = new Koa<GatewayState>();
    app.use(async (ctx, next) => {
      ctx.state.now = new Date(clock);
      ctx.state.logger = silentLogger;
      ctx.state.requestId = 'test';
      await next();
    });
    app.use(errorBoundary());
    app.use(transportStage(options.trustedProxies ?? []));
    app.use(sessions.stage(app));
    app.use(async (ctx) => {
      const user = /^\/login\/(\w+)$/.exec(ctx.path)?.[1];
      if (user !== undefined) {
        const record = await sessions.establish(ctx, {
          username: user,
          provider: 'idp',
          groups: ['g'],
          isAdmin: false,
        });
        ctx.body = { id: record.id };
      } else if (ctx.path === '/slow') {
        slowReached();
        await slowGate; // a request still running while its session is ended elsewhere
        ctx.body = { user: ctx.state.session?.username ?? null };
      } else if (ctx.path === '/logout') {
        ctx.body = { ended: (await sessions.end(ctx))?.username ?? null };
      } else {
        const session = ctx.state.session;
        ctx.body = { user: session?.username ?? null, lastSeenAt: session?.lastSeenAt ?? null };
      }
    });
    const server: Server = await new Promise((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const replica: Replica = {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      store,
      sessions,
      close: async () => {
        await new Promise((resolve) => server.close(resolve));
        await store.close();
      },
    };
    replicas.push(replica);
    return replica;
  }

  async function call(replica: Replica, path: string, cookie?: string, headers: Record<string, string> = {}) {
    const response = await fetch(replica.url + path, {
      headers: { ...headers, ...(cookie === undefined ? {} : { cookie }) },
    });
    const setCookies = response.headers.getSetCookie();
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, setCookies };
  }

  /** The Cookie header a browser would send back after these Set-Cookie lines. */
  function cookieOf(setCookies: readonly string[]): string {
    return setCookies
      .map((line) => line.split(';')[0] as string)
      .filter((pair) => !pair.endsWith('='))
      .join('; ');
  }

  let a: Replica;
  let b: Replica;

  before(async () => {
    ferret = await startFerretDB(tmp.path);
    a = await startReplica();
    b = await startReplica();
  });

  after(async () => {
    for (const replica of replicas) await replica.close();
    await ferret?.stop();
    tmp.remove();
  });

  beforeEach(() => {
    clock = Date.now();
  });

  it('sets an HttpOnly, SameSite=Lax cookie holding only a signed id, and no cookie without a sign-in', async () => {
    const anonymous = await call(a, '/whoami');
    expect(anonymous.body['user']).to.be.null;
    expect(anonymous.setCookies).to.deep.equal([]);

    const login = await call(a, '/login/alice');
    const session = login.setCookies.find((c) => c.startsWith('mlgate_session='));
    const signature = login.setCookies.find((c) => c.startsWith('mlgate_session.sig='));
    expect(session)
      .to.match(/; httponly/i)
      .and.to.match(/; samesite=lax/i)
      .and.not.to.match(/; secure/i);
    expect(signature).to.be.a('string');
    const value = (session as string).split(';')[0]?.split('=')[1] as string;
    expect(value).to.equal(login.body['id']);
    expect(value).to.match(/^[A-Za-z0-9_-]{43}$/); // 256 random bits, nothing else
  });

  it('is served by every replica: signed in on one, recognised on the other', async () => {
    const login = await call(a, '/login/bob');
    const cookie = cookieOf(login.setCookies);
    expect((await call(a, '/whoami', cookie)).body['user']).to.equal('bob');
    expect((await call(b, '/whoami', cookie)).body['user']).to.equal('bob');
  });

  it('ends on every replica when revoked on one (logout, or revocation by id or user)', async () => {
    const one = cookieOf((await call(a, '/login/carol')).setCookies);
    expect((await call(b, '/whoami', one)).body['user']).to.equal('carol');
    const logout = await call(a, '/logout', one);
    expect(logout.body['ended']).to.equal('carol');
    expect(logout.setCookies.some((c) => /^mlgate_session=;/.test(c))).to.be.true; // the cookie is cleared
    expect((await call(b, '/whoami', one)).body['user']).to.be.null;

    const login = await call(a, '/login/carol');
    const two = cookieOf(login.setCookies);
    expect(await a.sessions.revoke(login.body['id'] as string)).to.be.true;
    expect((await call(b, '/whoami', two)).body['user']).to.be.null;

    const three = cookieOf((await call(a, '/login/carol')).setCookies);
    const four = cookieOf((await call(b, '/login/carol')).setCookies);
    expect(await b.sessions.revokeAllForUser('carol')).to.equal(2);
    expect((await call(a, '/whoami', three)).body['user']).to.be.null;
    expect((await call(a, '/whoami', four)).body['user']).to.be.null;
  });

  it('stays ended when a request that started before logout or revocation records activity afterwards', async () => {
    for (const end of ['logout', 'revoke'] as const) {
      const cookie = cookieOf((await call(a, '/login/kim')).setCookies);
      clock += 2 * MINUTE; // the next request records activity
      let release: () => void = () => undefined;
      slowGate = new Promise((resolve) => (release = resolve));
      const reached = new Promise<void>((resolve) => (slowReached = resolve));
      const slow = call(a, '/slow', cookie);
      // The end comes once the slow request has loaded its session, however long that takes on a loaded machine.
      await Promise.race([
        reached,
        slow.then(() => Promise.reject(new Error('/slow answered without reaching its handler'))),
      ]);
      if (end === 'logout') {
        expect((await call(b, '/logout', cookie)).body['ended']).to.equal('kim');
      } else {
        expect(await b.sessions.revokeAllForUser('kim')).to.equal(1);
      }
      release();
      expect((await slow).body['user'], end).to.equal('kim'); // it was signed in when it started
      expect((await call(b, '/whoami', cookie)).body['user'], `after ${end}`).to.be.null;
      expect(await b.store.sessions.listForUser('kim'), `after ${end}`).to.deep.equal([]);
    }
    slowGate = Promise.resolve();
    slowReached = () => undefined;
  });

  it('renews the id at sign-in: the earlier session of the browser ends', async () => {
    const first = await call(a, '/login/dave');
    const firstCookie = cookieOf(first.setCookies);
    const second = await call(a, '/login/erin', firstCookie);
    expect(second.body['id']).not.to.equal(first.body['id']);
    expect((await call(b, '/whoami', firstCookie)).body['user']).to.be.null;
    expect((await call(b, '/whoami', cookieOf(second.setCookies))).body['user']).to.equal('erin');
  });

  it('refuses a cookie with a forged or missing signature, or signed with another secret', async () => {
    const login = await call(a, '/login/frank');
    const id = login.body['id'] as string;
    const signature = (login.setCookies.find((c) => c.startsWith('mlgate_session.sig=')) as string).split(';')[0];
    expect((await call(b, '/whoami', `mlgate_session=${id}`)).body['user']).to.be.null;
    expect((await call(b, '/whoami', `mlgate_session=${id}; mlgate_session.sig=AAAA`)).body['user']).to.be.null;
    const other = await startReplica({ secretKey: newSecretKey() });
    expect((await call(other, '/whoami', `mlgate_session=${id}; ${signature}`)).body['user']).to.be.null;
    expect((await call(b, '/whoami', `mlgate_session=${id}; ${signature}`)).body['user']).to.equal('frank');
  });

  it('ends after the idle limit, and activity (recorded at most once a minute) keeps it alive', async () => {
    const cookie = cookieOf((await call(a, '/login/gina')).setCookies);
    clock += 9 * MINUTE;
    expect((await call(b, '/whoami', cookie)).body['user']).to.equal('gina'); // recorded: 9 minutes idle
    clock += 9 * MINUTE;
    expect((await call(a, '/whoami', cookie)).body['user']).to.equal('gina');
    clock += 10 * MINUTE;
    expect((await call(a, '/whoami', cookie)).body['user']).to.be.null;
    expect((await b.store.sessions.listForUser('gina')).length).to.equal(0); // and deleted
  });

  it('ends at the absolute limit however active it is', async () => {
    const cookie = cookieOf((await call(a, '/login/hank')).setCookies);
    for (let minutes = 5; minutes < 60; minutes += 5) {
      clock += 5 * MINUTE;
      expect((await call(b, '/whoami', cookie)).body['user'], `${minutes} min`).to.equal('hank');
    }
    clock += 5 * MINUTE;
    expect((await call(b, '/whoami', cookie)).body['user']).to.be.null;
  });

  it('marks the cookie Secure when configured to (always)', async () => {
    const secure = await startReplica({ cookieSecure: 'always' });
    const login = await call(secure, '/login/ivy');
    expect(login.setCookies.find((c) => c.startsWith('mlgate_session='))).to.match(/; secure/i);
  });

  it('marks it Secure behind TLS: X-Forwarded-Proto from a trusted proxy only', async () => {
    const behindProxy = await startReplica({ trustedProxies: ['127.0.0.1/32'] });
    const viaTls = await call(behindProxy, '/login/jo', undefined, { 'x-forwarded-proto': 'https' });
    expect(viaTls.setCookies.find((c) => c.startsWith('mlgate_session='))).to.match(/; secure/i);
    // a, which trusts no proxy, does not believe the header
    const spoofed = await call(a, '/login/jo', undefined, { 'x-forwarded-proto': 'https' });
    expect(spoofed.setCookies.find((c) => c.startsWith('mlgate_session='))).not.to.match(/; secure/i);
  });
});
