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

/** How a route records identity: a run's creation, or tags written to an existing run. */
export type IdentityFields = 'run-author' | 'run-tags';

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
  const authorTags = tags.filter((tag) => tag['key'] === AUTHOR_TAG);
  if (body[userField] === username && authorTags.length === 1 && authorTags[0]?.['value'] === username) {
    return undefined;
  }
  const stamped = tags.filter((tag) => tag['key'] !== AUTHOR_TAG);
  stamped.push({ key: AUTHOR_TAG, value: username });
  return { ...body, [userField]: username, tags: stamped };
}

/** SetTag names one tag (key, value); LogBatch a list of them (tags). */
function requireOwnAuthorTag(body: Readonly<Record<string, unknown>>, username: string): void {
  const tags = Object.hasOwn(body, 'key') ? [body] : tagList(body);
  for (const tag of tags) {
    if (tag['key'] === AUTHOR_TAG && tag['value'] !== username) {
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
  if (!Array.isArray(tags) || tags.some((tag) => tag === null || typeof tag !== 'object' || Array.isArray(tag))) {
    throw new MlgateError('MLGATE_REQUEST_INVALID', '"tags" must be a list of {"key", "value"} objects.');
  }
  return tags as Record<string, unknown>[];
}
