/**
 * The last stage: the allowed request goes to MLflow, through the handler its route names (handlers/): most
 * requests are streamed through; a created experiment's answer is read to grant its creator; a search of
 * experiments is run by the gateway and filtered.
 */
import type { Middleware } from 'koa';

import { HANDLERS } from './handlers/index.js';
import type { ForwardDeps } from './handlers/types.js';
import type { GatewayState } from './state.js';

export type { ForwardDeps } from './handlers/types.js';

export function forwardStage(deps: ForwardDeps): Middleware<GatewayState> {
  return (ctx) => HANDLERS[ctx.state.route?.handling ?? 'stream'](deps, ctx);
}
