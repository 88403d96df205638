/**
 * Fields in which MLflow records who did something, set by the gateway to the authenticated caller (pure).
 *
 * The MLflow client fills a run's author (CreateRun `user_id` and the tag `mlflow.user`) from the local OS
 * account, so a mismatch cannot be refused without breaking real clients: CreateRun is rewritten instead. This
 * is the one exception to replaying a request body byte for byte. Setting `mlflow.user` later (SetTag, LogBatch)
 * to anyone but the caller is refused, so a rewrite never has to touch metric values.
 */
import { MlgateError } from '../errors.js';

/** The tag MLflow shows as a run's author. */
export const AUTHOR_TAG = 'mlflow.user';

/**
 * How a route records identity: a run's creation (CreateRun), a run's creation by the web UI's prompt lab (a Flask
 * handler that reads `user_id` only and fails on any tag list), or tags written to an existing run (SetTag,
 * LogBatch).
 */
export type IdentityFields = 'run-author' | 'promptlab-author' | 'run-tags';

/**
 * The body to send MLflow instead of `body`, or undefined when it already names the caller. Refuses (400) a
 * request that would record someone else as the author of a run.
 */
export function stampIdentity(
  kind: IdentityFields,
  body: Readonly<Record<string, unknown>>,
  username: string,
): Record<string, unknown> | undefined {
  switch (kind) {
    case 'run-author':
      return stampRunAuthor(body, username);
    case 'promptlab-author':
      return body['user_id'] === username ? undefined : { user_id: username, ...omit(body, ['user_id']) };
    case 'run-tags':
      requireOwnAuthorTag(body, username);
      return undefined;
  }
}

function stampRunAuthor(
  body: Readonly<Record<string, unknown>>,
  username: string,
): Record<string, unknown> | undefined {
  if (Object.hasOwn(body, 'userId') && Object.hasOwn(body, 'user_id')) {
    throw new MlgateError('MLGATE_REQUEST_INVALID', 'The request specifies both "user_id" and "userId"; send one.');
  }
  const userField = Object.hasOwn(body, 'userId') ? 'userId' : 'user_id';
  const tags = tagList(body);
  const authorTags = tags.filter((tag) => isAuthorTag(tag['key']));
  if (body[userField] === username && authorTags.length === 1 && authorTags[0]?.['value'] === username) {
    return undefined;
  }
  // The caller's fields come first: MLflow's protobuf parser stops at the first field it cannot read and keeps
  // what it read until then, so nothing after them may undo the stamp.
  const stamped = [{ key: AUTHOR_TAG, value: username }, ...tags.filter((tag) => !isAuthorTag(tag['key']))];
  return { [userField]: username, tags: stamped, ...omit(body, [userField, 'tags']) };
}

/** A copy of `body` without the named fields. */
function omit(body: Readonly<Record<string, unknown>>, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([key]) => !names.includes(key)));
}

/**
 * True for the author tag and every spelling a database could store in its place: MySQL's default collations
 * compare keys without case and trailing spaces.
 */
function isAuthorTag(key: unknown): boolean {
  return typeof key === 'string' && key.trim().toLowerCase() === AUTHOR_TAG;
}

/** SetTag names one tag (key, value), LogBatch a list of them (tags): every one of them is checked. */
function requireOwnAuthorTag(body: Readonly<Record<string, unknown>>, username: string): void {
  for (const tag of [body, ...tagList(body)]) {
    if (isAuthorTag(tag['key']) && tag['value'] !== username) {
      throw new MlgateError(
        'MLGATE_REQUEST_INVALID',
        `The tag "${AUTHOR_TAG}" records who created a run; the gateway sets it to the caller, so it may only be ` +
          `set to "${username}".`,
      );
    }
  }
}

function tagList(body: Readonly<Record<string, unknown>>): Record<string, unknown>[] {
  const tags = body['tags'];
  if (tags === undefined || tags === null) {
    return [];
  }
  if (
    !Array.isArray(tags) ||
    tags.some(
      (tag) =>
        tag === null ||
        typeof tag !== 'object' ||
        Array.isArray(tag) ||
        typeof (tag as Record<string, unknown>)['key'] !== 'string' ||
        !['string', 'undefined'].includes(typeof (tag as Record<string, unknown>)['value']),
    )
  ) {
    throw new MlgateError('MLGATE_REQUEST_INVALID', '"tags" must be a list of {"key": string, "value": string}.');
  }
  return tags as Record<string, unknown>[];
}
