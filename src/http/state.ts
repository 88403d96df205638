/**
 * The one typed per-request state. Each stage of the pipeline writes its own
 * field once; later stages only read.
 */
import type { Principal } from '../auth/principal.js';
import type { SessionRecord } from '../auth/session/types.js';
import type { GraphqlAnalysis } from '../mlflow/graphql/analyse.js';
import type { RequestParams } from '../mlflow/params.js';
import type { RouteSpec } from '../mlflow/route-spec.js';
import type { Decision } from '../policy/decision.js';
import type { PolicySnapshot } from '../policy/engine.js';
import type { ResolvedTarget } from '../policy/input.js';
import type { ResourceGrants } from '../store/types.js';
import type { Logger } from '../logging.js';
import type { RequestOutcome } from './outcome.js';

export interface GatewayState {
  /** The gateway's own request id (always generated; a client's X-Request-Id is logged as client_request_id). */
  requestId: string;
  logger: Logger;
  /** Request time, taken once. */
  now: Date;
  /** Path as MLflow sees it (percent-decoded). */
  path: string;
  /** The request came over TLS (directly, or through a trusted proxy that says so). */
  secure: boolean;
  /** The server-side session named by the request's cookie (checked for expiry and revocation), or null. */
  session: SessionRecord | null;
  principal?: Principal;
  /** Catalogue entry; undefined for an unknown route. */
  route?: RouteSpec;
  /** Parameters of the route's path template. */
  pathParams?: Readonly<Record<string, string>>;
  /**
   * The body, when it was read: replayed to MLflow as is, except that the identity stage may replace it once with
   * the caller stamped in (the one field written twice).
   */
  body?: Buffer;
  params?: RequestParams;
  /** The query string, parsed as werkzeug parses it (read with the parameters). */
  query?: URLSearchParams;
  /** The MLflow trace ids of an OTLP export body (route body `otlp`). */
  otlpTraceIds?: readonly string[];
  /** A GraphQL request: the decisions its document needs (one per root field, and hideable nested fields). */
  graphql?: GraphqlAnalysis;
  targets?: readonly ResolvedTarget[];
  grants?: ReadonlyMap<string, ResourceGrants>;
  /** The policy this request is decided with, taken once by the authorize stage (a bundle may be swapped meanwhile). */
  policy?: PolicySnapshot;
  decision?: Decision;
  /** Parts of a GraphQL answer the policy hides from the caller: emptied by the graphql forward handler. */
  redactions?: readonly { readonly paths: readonly (readonly string[])[]; readonly emptyValue: unknown }[];
  /** Set when the request was proxied to MLflow (true) or refused at the last moment because its client was gone. */
  forwarded?: boolean;
  /** Set by the stage that knows when a request did not end with a normal answer. */
  outcome?: RequestOutcome;
}
