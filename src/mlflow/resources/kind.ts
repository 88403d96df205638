/**
 * What the gateway knows about one kind of MLflow resource a request can name: how an id of it is checked, how it
 * resolves to the resource that carries the permission, how long that relation may be reused, and how it is
 * described in messages. One module per kind (see index.ts); routes name kinds, the resolver and the messages
 * read them from here.
 */
import type { MlflowClient } from '../client.js';

/** The resources grants are made on. Tracking resources carry the permission of their experiment. */
export type CarrierType = 'experiment';

export interface ResourceKind {
  /** The kind's name, as routes and policy input (`via`) use it. */
  readonly name: string;
  readonly carrier: CarrierType;
  /** The resource in an error message, e.g. `the experiment of run 0a1b…`. */
  describe(ref: string): string;
  /** Refuses (400) an id MLflow would read as another one. The value is already a well-formed string. */
  validate(value: string, field: string): void;
  /** Ids of the carrier resources; null when the named resource does not exist. */
  resolve(value: string, client: MlflowClient): Promise<readonly string[] | null>;
  /**
   * How long a found relation may be reused, in ms: Infinity when it never changes (a run stays in its
   * experiment), 0 when it must be looked up on every request (a name can be given to another experiment).
   */
  readonly foundTtlMs: number;
  /**
   * True when "does not exist" may be remembered for cache.missing_ttl_ms: only for ids MLflow makes itself,
   * which no client can name before the resource exists.
   */
  readonly rememberMissing: boolean;
}

/** No check beyond well-formedness. */
export function anyId(): void {
  // Any well-formed string is an id MLflow reads as itself.
}
