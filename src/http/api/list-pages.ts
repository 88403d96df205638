/**
 * Pages of the gateway's own listings (/_mlgate/api/grants, rules, groups), as MLflow's searches page: the caller
 * asks for `max_results` items (1000 when left out, at most 10,000) and gets `next_page_token` when more follow; it
 * sends that token back as `page_token`, with the same filters, for the next page.
 *
 * The store pages by key (src/store/pages.ts): a token holds the key of the last item listed, sealed as filtered
 * searches' tokens are (src/util/sealed-token.ts: secret, tamper-proof, expiring) and bound to the caller, the
 * listing and its filters. Each page is still authorized and filtered from the request itself, so a token can only
 * say where to resume inside what the caller may list: a token altered, of another caller, of another listing or
 * of other filters (a MANAGE holder's token of one resource used on another) is refused with 400
 * MLGATE_REQUEST_INVALID.
 */
import { randomBytes } from 'node:crypto';

import { z } from 'zod';

import { MlgateError } from '../../errors.js';
import { PAGE_TOKEN_TTL_MS, derivePageTokenKey } from '../../mlflow/page-token.js';
import { CARRIER_TYPES } from '../../mlflow/resources/kind.js';
import type { GrantId, Page, PageRequest, RuleOrderKey } from '../../store/types.js';
import { createTokenSealer } from '../../util/sealed-token.js';

/** Items of a page when max_results is left out: MLflow's default for experiment and run searches. */
export const LIST_MAX_RESULTS_DEFAULT = 1000;
/** The largest page: about 2.5 MB of JSON with ordinary grants, read and answered in one go. */
export const LIST_MAX_RESULTS_LIMIT = 10_000;

/** HKDF label of the key of these tokens (not the key of search tokens). */
export const LIST_TOKEN_KEY_INFO = 'mlgate list page token v1';
const PREFIX = 'mlgl1.';

/** The query parameters of a page, to add to a listing's query schema. */
export const PAGE_QUERY = {
  max_results: z.string().max(16).optional(),
  // A grant's key holds a registered model name of up to 1000 characters: a few KiB sealed.
  page_token: z
    .string()
    .max(32 * 1024)
    .optional(),
} as const;

/** What a token continues: who lists, which listing, and its filters as read (null where none was given). */
export interface ListBinding {
  readonly username: string;
  readonly listing: 'grants' | 'rules' | 'groups';
  readonly filters: readonly (string | null)[];
}

export interface ListTokens {
  issue(after: unknown, binding: ListBinding, now: Date): string;
  /**
   * The key sealed in the token, checked against `key`; null without a token (the first page). Throws 400
   * MLGATE_REQUEST_INVALID for a token not issued for this binding, or expired.
   */
  resume<K>(token: string | undefined, binding: ListBinding, now: Date, key: z.ZodType<K>): K | null;
}

/** The key of these tokens: derived from session.secret_key as search tokens' is, under its own label. */
export function deriveListTokenKey(secretKey: string, random: (size: number) => Buffer = randomBytes): Buffer {
  return derivePageTokenKey(secretKey, random, LIST_TOKEN_KEY_INFO);
}

export function createListTokens(options: { readonly key: Buffer; readonly ttlMs?: number }): ListTokens {
  const sealer = createTokenSealer(options.key, PREFIX);
  const ttlMs = options.ttlMs ?? PAGE_TOKEN_TTL_MS;
  const bound = (binding: ListBinding): Buffer =>
    Buffer.from(JSON.stringify([LIST_TOKEN_KEY_INFO, binding.username, binding.listing, binding.filters]));
  const Content = z.strictObject({ k: z.unknown(), e: z.number().int() });

  return {
    issue(after, binding, now) {
      return sealer.seal({ k: after, e: now.getTime() + ttlMs }, bound(binding));
    },
    resume(token, binding, now, key) {
      if (token === undefined || token === '') {
        return null;
      }
      const content = Content.safeParse(sealer.open(token, bound(binding)));
      const after = content.success ? key.safeParse(content.data.k) : undefined;
      if (content.data === undefined || after?.success !== true) {
        throw new MlgateError(
          'MLGATE_REQUEST_INVALID',
          `The page_token was not issued by this gateway for this listing: it belongs to another listing, other ` +
            `filters or another user, was altered, or comes from a gateway with another session.secret_key. List ` +
            `again without page_token, with the same filters on every page.`,
        );
      }
      if (now.getTime() >= content.data.e) {
        throw new MlgateError('MLGATE_REQUEST_INVALID', 'The page_token has expired. List again without page_token.');
      }
      return after.data;
    },
  };
}

/** `max_results` as given: a whole number from 1 to LIST_MAX_RESULTS_LIMIT, LIST_MAX_RESULTS_DEFAULT without. */
export function parseMaxResults(raw: string | undefined): number {
  if (raw === undefined) {
    return LIST_MAX_RESULTS_DEFAULT;
  }
  const value = /^[0-9]{1,6}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= LIST_MAX_RESULTS_LIMIT)) {
    throw new MlgateError(
      'MLGATE_REQUEST_INVALID',
      `max_results must be a whole number from 1 to ${LIST_MAX_RESULTS_LIMIT} ` +
        `(${LIST_MAX_RESULTS_DEFAULT} when it is left out); follow next_page_token for more.`,
    );
  }
  return value;
}

/** How the keys of each listing are sealed in its tokens. */
export const GRANT_KEY: z.ZodType<GrantId> = z.strictObject({
  resourceType: z.enum(CARRIER_TYPES),
  resourceId: z.string(),
  principalType: z.enum(['user', 'group']),
  principal: z.string(),
});
export const RULE_KEY: z.ZodType<RuleOrderKey> = z.strictObject({
  resourceType: z.enum(CARRIER_TYPES),
  principalType: z.enum(['user', 'group']),
  principal: z.string(),
  priority: z.number(),
  id: z.string(),
});
export const GROUP_KEY: z.ZodType<string> = z.string();

/**
 * One page of a listing for this request: where the token says it resumes (the first page without one), at most
 * max_results items, and the token of the next page when more follow. Call it once the caller is authorized for the
 * listing's filters.
 */
export async function readPage<T, K>(
  tokens: ListTokens,
  query: { readonly max_results?: string | undefined; readonly page_token?: string | undefined },
  binding: ListBinding,
  now: Date,
  key: z.ZodType<K>,
  read: (request: PageRequest<K>) => Promise<Page<T, K>>,
): Promise<{ readonly items: T[]; readonly nextPageToken: string | null }> {
  const limit = parseMaxResults(query.max_results);
  const after = tokens.resume(query.page_token, binding, now, key);
  const page = await read({ after, limit });
  return { items: page.items, nextPageToken: page.next === null ? null : tokens.issue(page.next, binding, now) };
}

/** The answer's token field, left out on the last page (as MLflow leaves out an empty next_page_token). */
export function nextPageField(nextPageToken: string | null): { next_page_token?: string } {
  return nextPageToken === null ? {} : { next_page_token: nextPageToken };
}
