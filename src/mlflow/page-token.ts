/**
 * Page tokens of filtered searches. The gateway reads MLflow's pages and
 * keeps only readable rows, so its pages do not line up with MLflow's; its
 * token says where to resume: MLflow's token of the page to read and how many
 * rows of that page to pass over.
 *
 * That position counts hidden rows, so the caller must not read it, and a
 * caller who could choose it could probe MLflow's pages. Tokens are therefore
 * sealed with AES-256-GCM (secret and tamper-proof; src/util/sealed-token.ts), bound to the search they
 * continue and to the caller (the binding is the authenticated additional
 * data), padded to a fixed size (their length says nothing about the
 * position), and expire. Anything else offered as a page token is refused:
 * MLflow never sees a token from a client.
 */
import { hkdfSync, randomBytes } from 'node:crypto';

import { MlgateError } from '../errors.js';
import { createTokenSealer } from '../util/sealed-token.js';

export interface PagePosition {
  /** MLflow's page token of the page to read, or null for the first page. */
  readonly upstream: string | null;
  /** Rows of that page to pass over. */
  readonly skip: number;
}

export const FIRST_PAGE: PagePosition = { upstream: null, skip: 0 };

/** What a token continues: the search as the caller asked for it, and who asked. */
export interface SearchBinding {
  readonly username: string;
  readonly filter: string | null;
  readonly orderBy: readonly string[];
  readonly viewType: string | number | null;
  readonly maxResults: number;
  /**
   * Which search the token continues, when it is not SearchExperiments (h/registry: SearchRegisteredModels,
   * SearchModelVersions): a token of one search is refused by another.
   */
  readonly search?: string;
  /**
   * The experiments the search is limited to, when it is (SearchEvaluationDatasets): a token of a search over some
   * experiments is refused by a search over others.
   */
  readonly experimentIds?: readonly string[];
}

export interface PageTokens {
  /** A token that resumes the search at `position`. */
  issue(position: PagePosition, binding: SearchBinding, now: Date): string;
  /**
   * Where a search resumes: the first page without a token, else the position sealed in it. Throws 400
   * MLGATE_REQUEST_INVALID for a token this gateway did not issue for this search and caller, or that expired.
   */
  resume(token: string | undefined, binding: SearchBinding, now: Date): PagePosition;
}

/** HKDF label: a key for page tokens only, whatever else is derived from the same secret. */
export const PAGE_TOKEN_KEY_INFO = 'mlgate page token v1';
export const PAGE_TOKEN_TTL_MS = 60 * 60 * 1000;

const PREFIX = 'mlg2.';

/**
 * The page token key: derived from session.secret_key (SECRET_KEY), so every replica sharing it accepts the
 * others' tokens; a random key for this process when it is empty (the configuration loader warns about that).
 */
export function derivePageTokenKey(
  secretKey: string,
  random: (size: number) => Buffer = randomBytes,
  info: string = PAGE_TOKEN_KEY_INFO,
): Buffer {
  if (secretKey === '') {
    return random(32);
  }
  return Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), info, 32));
}

export function createPageTokens(options: { readonly key: Buffer; readonly ttlMs?: number }): PageTokens {
  const sealer = createTokenSealer(options.key, PREFIX);
  const ttlMs = options.ttlMs ?? PAGE_TOKEN_TTL_MS;

  return {
    issue(position, binding, now) {
      return sealer.seal({ u: position.upstream, s: position.skip, e: now.getTime() + ttlMs }, associatedData(binding));
    },

    resume(token, binding, now) {
      if (token === undefined || token === '') {
        return FIRST_PAGE;
      }
      const content = positionOf(sealer.open(token, associatedData(binding)));
      if (content === undefined) {
        throw new MlgateError(
          'MLGATE_REQUEST_INVALID',
          'The page_token was not issued by this gateway for this search: it belongs to another search or user, ' +
            'was altered, or comes from a gateway with another session.secret_key. Restart the search without ' +
            'page_token.',
        );
      }
      if (now.getTime() >= content.expires) {
        throw new MlgateError(
          'MLGATE_REQUEST_INVALID',
          'The page_token has expired. Restart the search without page_token.',
        );
      }
      return content.position;
    },
  };
}

/** The position in a token's content, or undefined when it is not one (authentic content was written by issue()). */
function positionOf(value: unknown): { position: PagePosition; expires: number } | undefined {
  if (value === null || typeof value !== 'object') {
    return undefined;
  }
  const { u, s, e } = value as Record<string, unknown>;
  if (
    (u !== null && typeof u !== 'string') ||
    typeof s !== 'number' ||
    !Number.isSafeInteger(s) ||
    s < 0 ||
    typeof e !== 'number' ||
    !Number.isSafeInteger(e)
  ) {
    return undefined;
  }
  return { position: { upstream: u, skip: s }, expires: e };
}

function associatedData(binding: SearchBinding): Buffer {
  return Buffer.from(
    JSON.stringify([
      PAGE_TOKEN_KEY_INFO,
      binding.username,
      binding.filter,
      binding.orderBy,
      binding.viewType,
      binding.maxResults,
      // Left out for SearchExperiments, whose tokens keep the binding they had.
      ...(binding.search === undefined ? [] : [binding.search]),
      ...(binding.experimentIds === undefined ? [] : [binding.experimentIds]),
    ]),
  );
}
