/**
 * Page tokens of filtered searches (pure). The gateway reads MLflow's pages
 * and keeps only readable rows, so its pages do not line up with MLflow's;
 * its token says where to resume: MLflow's token of the page to read and how
 * many rows of that page were already consumed.
 */
import { MlgateError } from '../errors.js';

export interface PagePosition {
  /** MLflow's page token of the page to read, or null for the first page. */
  readonly upstream: string | null;
  /** Rows of that page already returned or skipped. */
  readonly skip: number;
}

const PREFIX = 'mlg1.';

export const FIRST_PAGE: PagePosition = { upstream: null, skip: 0 };

export function encodePageToken(position: PagePosition): string {
  return PREFIX + Buffer.from(JSON.stringify([position.upstream, position.skip])).toString('base64url');
}

/**
 * Reads a page token given by a client. Tokens the gateway did not issue are
 * passed to MLflow as they are (resuming at the start of that page); results
 * are filtered either way, so a forged token can only change the position.
 */
export function decodePageToken(token: string | undefined): PagePosition {
  if (token === undefined || token === '') {
    return FIRST_PAGE;
  }
  if (!token.startsWith(PREFIX)) {
    return { upstream: token, skip: 0 };
  }
  try {
    const value: unknown = JSON.parse(Buffer.from(token.slice(PREFIX.length), 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      (value[0] === null || typeof value[0] === 'string') &&
      Number.isSafeInteger(value[1]) &&
      (value[1] as number) >= 0
    ) {
      return { upstream: value[0] as string | null, skip: value[1] as number };
    }
  } catch {
    // fall through
  }
  throw new MlgateError('MLGATE_REQUEST_INVALID', 'The page_token is malformed; restart the search without it.');
}
