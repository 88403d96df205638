/**
 * GraphQL: proxied. When the policy hides nested fields from the caller (state.redactions), MLflow's answer is
 * read and those fields are replaced with their empty value (a run's modelVersions become []) wherever they are in
 * `data`. An answer the gateway cannot read is not passed on.
 */
import { MlgateError } from '../../errors.js';
import type { CapturedResponse } from '../../proxy/upstream.js';
import type { Redaction } from '../authorize-graphql.js';
import { proxy } from './proxy.js';
import type { ForwardHandler } from './types.js';

export const graphql: ForwardHandler = async (deps, ctx) => {
  const redactions = ctx.state.redactions ?? [];
  if (redactions.length === 0) {
    return proxy(deps, ctx);
  }
  return proxy(deps, ctx, (response) => Promise.resolve(redactAnswer(response, redactions)));
};

export function redactAnswer(response: CapturedResponse, redactions: readonly Redaction[]): CapturedResponse {
  if (response.status !== 200) {
    // MLflow answers a GraphQL request with 200; anything else is an error without data.
    return response;
  }
  const encoding = response.headers['content-encoding'];
  let answer: unknown;
  try {
    if (encoding !== undefined && encoding !== 'identity') {
      throw new Error(`content-encoding ${encoding}`);
    }
    answer = JSON.parse(response.body.toString('utf8'));
  } catch (error) {
    throw new MlgateError('MLGATE_UPSTREAM_INVALID_RESPONSE', undefined, { cause: error });
  }
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    throw new MlgateError('MLGATE_UPSTREAM_INVALID_RESPONSE');
  }
  const data = (answer as Record<string, unknown>)['data'];
  for (const redaction of redactions) {
    for (const path of redaction.paths) {
      replaceAt(data, path, redaction.emptyValue);
    }
  }
  const body = Buffer.from(JSON.stringify(answer), 'utf8');
  return { ...response, headers: { ...response.headers, 'content-length': String(body.length) }, body };
}

/** Replaces the value at `path` (response keys; lists are walked item by item) wherever it is present. */
function replaceAt(value: unknown, path: readonly string[], emptyValue: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) replaceAt(item, path, emptyValue);
    return;
  }
  if (typeof value !== 'object' || value === null || path.length === 0) {
    return;
  }
  const [key, ...rest] = path as [string, ...string[]];
  const record = value as Record<string, unknown>;
  if (!Object.hasOwn(record, key)) {
    return;
  }
  if (rest.length === 0) {
    if (record[key] !== null) record[key] = structuredClone(emptyValue);
  } else {
    replaceAt(record[key], rest, emptyValue);
  }
}
