/** Reads a small JSON request body of the gateway's own API and validates it with a zod schema. */
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
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
    throw new MlgateError('MLGATE_REQUEST_INVALID', `The body is not valid: ${problems.join('; ')}.`, {
      details: { problems },
    });
  }
  return parsed.data;
}
