import { expect } from 'chai';

import { createExternalUsers } from '../../../src/auth/external-users.js';
import { MlgateError } from '../../../src/errors.js';
import type { AuthOutcome, AuthRequest } from '../../../src/auth/principal.js';
import { createProxyHeadersAuthenticator } from '../../../src/auth/proxy-headers/authenticator.js';
import {
  type IdentityHeaderNames,
  presentIdentityHeaders,
  readAssertedIdentity,
} from '../../../src/auth/proxy-headers/identity-headers.js';
import { compileTrustedPeers, invalidTrustedPeers } from '../../../src/auth/proxy-headers/trusted-peers.js';
import { createUntrustedHeaderWarnings } from '../../../src/auth/proxy-headers/untrusted-warnings.js';
import type { LogFields, Logger } from '../../../src/logging.js';
import { upstreamHeaders } from '../../../src/proxy/headers.js';
import { createMemoryStore } from '../../../src/store/memory/store.js';

const NAMES: IdentityHeaderNames = {
  userHeaders: ['X-Forwarded-Email', 'X-Forwarded-User'],
  groupsHeader: 'X-Forwarded-Groups',
};

function recordingLogger(): Logger & { lines: { message: string; fields?: LogFields }[] } {
  const lines: { message: string; fields?: LogFields }[] = [];
  const log = (message: string, fields?: LogFields): void => {
    lines.push(fields === undefined ? { message } : { message, fields });
  };
  const logger = { lines, debug: log, info: log, warn: log, error: log, child: () => logger };
  return logger;
}

describe('trusted proxy headers', () => {
  describe('trusted peers (proxy-addr)', () => {
    it('matches the peer address against addresses and CIDR ranges, IPv4-mapped IPv6 included', () => {
      const trusted = compileTrustedPeers(['127.0.0.1/32', '10.1.0.0/16', 'fd00::/8']);
      expect(trusted('127.0.0.1')).to.equal(true);
      expect(trusted('::ffff:127.0.0.1')).to.equal(true);
      expect(trusted('10.1.200.3')).to.equal(true);
      expect(trusted('fd12::1')).to.equal(true);
      expect(trusted('127.0.0.2')).to.equal(false);
      expect(trusted('10.2.0.1')).to.equal(false);
      expect(trusted('::1')).to.equal(false);
      expect(trusted('')).to.equal(false);
      expect(compileTrustedPeers(['loopback'])('::1')).to.equal(true);
    });

    it('trusts nobody with an empty list, and names the entries it cannot read', () => {
      expect(compileTrustedPeers([])('127.0.0.1')).to.equal(false);
      expect(
        invalidTrustedPeers(['10.0.0.0/8', '300.1.1.1', '10.0.0.0/40', 'proxy.internal']).map((i) => i.entry),
      ).to.deep.equal(['300.1.1.1', '10.0.0.0/40', 'proxy.internal']);
    });
  });

  describe('reading the asserted identity', () => {
    const raw = (...pairs: [string, string][]): string[] => pairs.flat();

    it('takes the first configured user header present, and a comma list of groups', () => {
      expect(
        readAssertedIdentity(
          raw(
            ['X-Forwarded-User', 'uid-7'],
            ['x-forwarded-email', 'Alice@Example.com'],
            ['X-Forwarded-Groups', 'team-a, mlflow-admin,,team-a'],
          ),
          NAMES,
        ),
      ).to.deep.equal({
        kind: 'user',
        username: 'alice@example.com',
        groups: ['team-a', 'mlflow-admin'],
        header: 'x-forwarded-email',
      });
      expect(readAssertedIdentity(raw(['X-Forwarded-User', 'bob']), NAMES)).to.deep.include({
        username: 'bob',
        groups: [],
      });
      expect(readAssertedIdentity(raw(['Authorization', 'Basic x']), NAMES)).to.deep.equal({ kind: 'none' });
      const authRequest = { userHeaders: ['X-Auth-Request-Email'], groupsHeader: 'X-Auth-Request-Groups' };
      expect(
        readAssertedIdentity(raw(['X-Auth-Request-Email', 'carol@x.io'], ['X-Auth-Request-Groups', 'g1']), authRequest),
      ).to.deep.include({ username: 'carol@x.io', groups: ['g1'] });
    });

    it('refuses a header sent twice, and several users in one header', () => {
      expect(
        readAssertedIdentity(raw(['X-Forwarded-Email', 'a@x.io'], ['X-Forwarded-Email', 'b@x.io']), NAMES),
      ).to.deep.equal({
        kind: 'duplicated',
        header: 'x-forwarded-email',
      });
      expect(readAssertedIdentity(raw(['X-Forwarded-User', 'a'], ['x-forwarded-user', 'a']), NAMES)).to.include({
        kind: 'duplicated',
      });
      expect(
        readAssertedIdentity(
          raw(['X-Forwarded-Email', 'a@x.io'], ['X-Forwarded-Groups', 'g'], ['X-Forwarded-Groups', 'mlflow-admin']),
          NAMES,
        ),
      ).to.deep.equal({ kind: 'duplicated', header: 'x-forwarded-groups' });
      expect(readAssertedIdentity(raw(['X-Forwarded-Email', 'a@x.io, admin@x.io']), NAMES)).to.deep.equal({
        kind: 'duplicated',
        header: 'x-forwarded-email',
      });
    });

    it('refuses a user header that is not a username', () => {
      expect(readAssertedIdentity(raw(['X-Forwarded-Email', 'two words']), NAMES)).to.include({ kind: 'invalid-user' });
      expect(readAssertedIdentity(raw(['X-Forwarded-Email', '']), NAMES)).to.include({ kind: 'invalid-user' });
    });

    it('lists the identity headers present', () => {
      expect(presentIdentityHeaders(raw(['X-FORWARDED-GROUPS', 'g'], ['Accept', '*/*']), NAMES)).to.deep.equal([
        'x-forwarded-groups',
      ]);
    });
  });

  describe('authenticator', () => {
    const request = (peerAddress: string, ...pairs: [string, string][]): AuthRequest => ({
      headers: Object.fromEntries(pairs.map(([name, value]) => [name.toLowerCase(), value])),
      rawHeaders: pairs.flat(),
      peerAddress,
      secure: false,
      session: null,
      now: new Date(),
    });
    const code = (outcome: AuthOutcome): string => (outcome.kind === 'rejected' ? outcome.error.code : outcome.kind);
    /** The refusal thrown for a broken assertion of the trusted proxy (not a failed credential). */
    const thrown = async (attempt: Promise<AuthOutcome>): Promise<MlgateError> => {
      const error = await attempt.then(
        (outcome) => expect.fail(`expected a thrown refusal, got ${outcome.kind}`),
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(MlgateError);
      return error as MlgateError;
    };

    const setup = async (provision: boolean) => {
      const store = createMemoryStore();
      await store.users.create({ username: 'alice@example.com', isAdmin: false, groups: ['team-a'] });
      const log = recordingLogger();
      const authenticator = createProxyHeadersAuthenticator({
        isTrusted: compileTrustedPeers(['127.0.0.1/32']),
        names: NAMES,
        users: createExternalUsers({ users: store.users, provision, ttlMs: 0, maxEntries: 10 }),
        warnings: createUntrustedHeaderWarnings({ log, intervalMs: 60_000 }),
      });
      return { store, log, authenticator };
    };

    it('authenticates the user a trusted peer names, adding its groups to the stored ones', async () => {
      const { authenticator } = await setup(false);
      expect(authenticator.challenge).to.equal(null);
      const outcome = await authenticator.authenticate(
        request('127.0.0.1', ['X-Forwarded-Email', 'alice@example.com'], ['X-Forwarded-Groups', 'mlflow-admin']),
      );
      expect(outcome.kind === 'authenticated' && outcome.principal).to.deep.equal({
        authenticated: true,
        username: 'alice@example.com',
        isAdmin: false,
        groups: ['team-a', 'mlflow-admin'],
        method: 'proxy',
      });
    });

    it('ignores the headers from any other peer, and warns once per peer and interval without group values', async () => {
      const { authenticator, log } = await setup(true);
      const forged = (peer: string) =>
        request(peer, ['X-Forwarded-Email', 'alice@example.com'], ['X-Forwarded-Groups', 'mlflow-admin']);
      expect(code(await authenticator.authenticate(forged('10.9.8.7')))).to.equal('not-mine');
      expect(code(await authenticator.authenticate(forged('10.9.8.7')))).to.equal('not-mine');
      expect(code(await authenticator.authenticate(forged('::ffff:10.0.0.1')))).to.equal('not-mine');
      expect(log.lines.map((line) => line.fields?.['peer_address'])).to.deep.equal(['10.9.8.7', '::ffff:10.0.0.1']);
      expect(log.lines[0]?.fields).to.deep.include({
        headers: ['x-forwarded-email', 'x-forwarded-groups'],
        claimed_user: 'alice@example.com',
      });
      expect(JSON.stringify(log.lines)).to.not.include('mlflow-admin');
      expect(code(await authenticator.authenticate(request('10.9.8.7')))).to.equal('not-mine');
    });

    it('leaves a trusted request without identity headers to the other authenticators', async () => {
      const { authenticator } = await setup(true);
      expect(code(await authenticator.authenticate(request('127.0.0.1', ['Authorization', 'Basic x'])))).to.equal(
        'not-mine',
      );
    });

    it('refuses duplicated headers and invalid usernames from a trusted peer', async () => {
      const { authenticator } = await setup(true);
      const dup = await thrown(
        authenticator.authenticate(
          request('127.0.0.1', ['X-Forwarded-Email', 'alice@example.com'], ['X-Forwarded-Email', 'admin@example.com']),
        ),
      );
      expect(dup.code).to.equal('MLGATE_PROXY_HEADER_DUPLICATED');
      expect(dup.status).to.equal(400);
      const several = await thrown(authenticator.authenticate(request('127.0.0.1', ['X-Forwarded-User', 'a, b'])));
      expect(several.code).to.equal('MLGATE_PROXY_HEADER_DUPLICATED');
      const invalid = await thrown(authenticator.authenticate(request('127.0.0.1', ['X-Forwarded-User', 'a b'])));
      expect(invalid.code).to.equal('MLGATE_PROXY_USER_INVALID');
    });

    it('creates unknown users on first use, or refuses them when provisioning is off', async () => {
      const off = await setup(false);
      const unknown = await thrown(off.authenticator.authenticate(request('127.0.0.1', ['X-Forwarded-User', 'dave'])));
      expect(unknown.code).to.equal('MLGATE_PROXY_UNKNOWN_USER');
      const on = await setup(true);
      expect(code(await on.authenticator.authenticate(request('127.0.0.1', ['X-Forwarded-User', 'Dave'])))).to.equal(
        'authenticated',
      );
      expect(await on.store.users.get('dave')).to.deep.include({ isAdmin: false, groups: [] });
    });
  });

  it('never forwards the configured identity headers to MLflow, whatever their names', () => {
    const out = upstreamHeaders(
      { 'x-user-id': 'alice', 'x-team': 'a', 'x-forwarded-groups': 'g', accept: '*/*' },
      'req-1',
      undefined,
      new Set(['x-user-id', 'x-team']),
    );
    expect(out).to.deep.equal({ accept: '*/*', 'x-mlgate-request-id': 'req-1' });
  });
});
