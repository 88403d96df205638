/** What a forward handler gets: the allowed request, and the gateway's dependencies. */
import type { Context } from 'koa';

import type { MlflowClient } from '../../mlflow/client.js';
import type { ExperimentNames } from '../../mlflow/names.js';
import type { PageTokens } from '../../mlflow/page-token.js';
import type { Resolver } from '../../mlflow/resolve.js';
import type { DecisionEngine } from '../../policy/engine.js';
import type { Upstream } from '../../proxy/upstream.js';
import type { ObligationDeps } from '../obligations.js';
import type { GatewayState } from '../state.js';

export interface ForwardDeps extends ObligationDeps {
  readonly upstream: Upstream;
  readonly client: MlflowClient;
  readonly engine: DecisionEngine;
  readonly searchMaxPages: number;
  /** Seals and opens the page tokens of filtered searches. */
  readonly pageTokens: PageTokens;
  /** Largest streamed upload (routes with body: 'stream'); a larger one is cut and answered 413. */
  readonly maxArtifactUploadBytes: number;
  /** Forgets a resolved relation after a change the gateway forwarded (h/registry); absent in tests. */
  readonly resolver?: Pick<Resolver, 'forget'>;
  /** Experiment names for regex rules; absent: none are looked up. */
  readonly names?: ExperimentNames;
}

export type GatewayContext = Context & { state: GatewayState };

/** Sends an allowed request on to MLflow and answers the client. */
export type ForwardHandler = (deps: ForwardDeps, ctx: GatewayContext) => Promise<void>;
