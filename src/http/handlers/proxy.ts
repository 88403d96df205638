/**
 * The default handler: the request is proxied to MLflow and the answer streamed back. A body the gateway read is
 * replayed; with `onResponse`, the answer is read whole and passed through the hook first.
 */
import type { CapturedResponse } from '../../proxy/upstream.js';
import type { ForwardDeps, GatewayContext } from './types.js';

export async function proxy(
  deps: ForwardDeps,
  ctx: GatewayContext,
  onResponse?: (response: CapturedResponse) => Promise<CapturedResponse>,
): Promise<void> {
  ctx.respond = false;
  try {
    const outcome = await deps.upstream.forward(ctx.req, ctx.res, {
      requestId: ctx.state.requestId,
      ...(ctx.state.body === undefined ? {} : { body: ctx.state.body }),
      ...(onResponse === undefined ? {} : { onResponse }),
      ...(ctx.state.route?.body === 'stream' ? { streamLimit: deps.maxArtifactUploadBytes } : {}),
    });
    ctx.state.forwarded = outcome !== 'client-gone';
    if (outcome === 'client-gone' || outcome === 'client-closed') {
      ctx.state.outcome ??= 'client_closed';
    } else if (outcome === 'upstream-cut') {
      ctx.state.outcome ??= 'upstream_cut';
    }
  } catch (error) {
    ctx.respond = true;
    throw error;
  }
}
