/** Reads a small JSON request body (or the query string) of the gateway's own API and validates it with a zod schema. */
import type { Context } from 'koa';
import type { z } from 'zod';

import { MlgateError } from '../../errors.js';
import { readBody } from '../read-params.js';

/** The gateway's own API takes small bodies only. */
export const API_MAX_BODY_BYTES = 16 * 1024;

export async function readJsonBody<S extends z.ZodType>(ctx: Context, schema: S): Promise<z.infer<S>> {
  const type = ctx.request.type;
  const raw = await readBody(ctx.req, API_MAX_BODY_BYTES);
  if (raw.length > 0 && type !== 'application/json') {
    throw new MlgateError('MLGATE_REQUEST_INVALID', 'Send the body as JSON (Content-Type: application/json).');
  }
  let value: unknown = {};
  if (raw.length > 0) {
    try {
      value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
    } catch {
      throw new MlgateError('MLGATE_REQUEST_INVALID', 'The body is not valid JSON.');
    }
  }
  return validated(schema, value, 'body');
}

/** The query string's parameters, validated (a repeated parameter is an array, which a string field refuses). */
export function readQuery<S extends z.ZodType>(ctx: Context, schema: S): z.infer<S> {
  return validated(schema, { ...ctx.query }, 'query');
}

function validated<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query'): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || where}: ${i.message}`);
    throw new MlgateError('MLGATE_REQUEST_INVALID', `The ${where} is not valid: ${problems.join('; ')}.`, {
      details: { problems },
    });
  }
  return parsed.data;
}
