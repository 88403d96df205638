/**
 * Browser sessions from the command line: list a user's sessions, and sign a user out (of one session, or of all).
 * A session's id is its cookie's value, a secret: only its first 8 characters are shown and accepted.
 */
import { MlgateError } from '../errors.js';
import type { Store, StoredSession } from '../store/types.js';
import { type Output, requireUsername } from './admin-commands.js';

const SHOWN = 8;

function describe(session: StoredSession): {
  id: string;
  created_at: unknown;
  last_seen_at: unknown;
  expires_at: Date;
} {
  return {
    id: session.id.slice(0, SHOWN),
    created_at: session.data['createdAt'] ?? null,
    last_seen_at: session.data['lastSeenAt'] ?? null,
    expires_at: session.expiresAt,
  };
}

export async function listSessions(store: Store, args: { username: string | undefined }): Promise<Output> {
  const username = requireUsername(args.username);
  const sessions = (await store.sessions.listForUser(username)).map(describe);
  return {
    data: sessions,
    lines: sessions.map((s) => `${s.id}  signed in ${String(s.created_at)}  last seen ${String(s.last_seen_at)}`),
  };
}

export async function revokeSessions(
  store: Store,
  args: { username: string | undefined; id: string | undefined },
): Promise<Output> {
  const username = requireUsername(args.username);
  if (args.id === undefined) {
    const count = await store.sessions.deleteAllForUser(username);
    return { data: { username, revoked: count }, lines: [`Signed ${username} out of ${count} session(s).`] };
  }
  const prefix = args.id;
  const matching = (await store.sessions.listForUser(username)).filter(
    (s) => prefix.length >= SHOWN && s.id.startsWith(prefix),
  );
  if (matching.length !== 1) {
    throw new MlgateError(
      'MLGATE_NO_SUCH_OBJECT',
      `User "${username}" has no session ${prefix} (see mlgate session list).`,
    );
  }
  await store.sessions.delete((matching[0] as StoredSession).id);
  return { data: { username, revoked: 1 }, lines: [`Revoked session ${prefix} of ${username}.`] };
}
