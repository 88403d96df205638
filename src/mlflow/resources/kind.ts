/**
 * What the gateway knows about one kind of MLflow resource a request can name: how an id of it is checked, how it
 * resolves to the resource that carries the permission, how long that relation may be reused, and how it is
 * described in messages. One module per kind (see index.ts); routes name kinds, the resolver and the messages
 * read them from here.
 */
import type { MlflowClient } from '../client.js';
import type { Reference } from '../references.js';

/**
 * The resources grants are made on (the permission types). Tracking resources carry the permission of their
 * experiment; the registry's carry their registered model's or prompt's (keyed by name, as MLflow's auth does).
 */
export const CARRIER_TYPES = [
  'experiment',
  'registered_model',
  'prompt',
  // The AI gateway (h/gateway): endpoints, keyed by their generated id (`e-…`), as MLflow's auth keys them.
  'gateway_endpoint',
  // AI gateway model definitions (h/gateway): keyed by their generated id (`d-…`); USE lets an endpoint serve one.
  'gateway_model_definition',
  // MCP servers (h/gateway): keyed by their name, `namespace/slug`, as MLflow's auth keys them.
  'mcp_server',
] as const;
export type CarrierType = (typeof CARRIER_TYPES)[number];

/** One resource that carries a permission. */
export interface Carrier {
  readonly type: CarrierType;
  readonly id: string;
}

/** Experiment ids as carriers (the tracking kinds). */
export function inExperiments(ids: readonly string[] | null): readonly Carrier[] | null {
  return ids === null ? null : ids.map((id) => ({ type: 'experiment', id }));
}

export interface ResourceKind {
  /** The kind's name, as routes and policy input (`via`) use it. */
  readonly name: string;
  /** The carrier type of this kind's resources (a missing one is reported as this type). */
  readonly carrier: CarrierType;
  /** The resource in an error message, e.g. `the experiment of run 0a1b…`. */
  describe(ref: string): string;
  /** Refuses (400) an id MLflow would read as another one. The value is already a well-formed string. */
  validate(value: string, field: string): void;
  /** The carrier resources; null when the named resource does not exist. */
  resolve(value: string, client: MlflowClient): Promise<readonly Carrier[] | null>;
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
  /**
   * A value that names other resources rather than being one (an artifact path names an experiment and a run):
   * the references it stands for, each resolved by its own kind; the value itself is never resolved. May be empty
   * (the value names nothing the gateway can check, or is only checked).
   */
  expand?(value: string, field: string): readonly Reference[];
  /** With `expand`: what the client is told when the request names nothing this kind can check. */
  readonly unnamedHint?: string;
}

/** No check beyond well-formedness. */
export function anyId(): void {
  // Any well-formed string is an id MLflow reads as itself.
}

/**
 * A kind that only expands into references of other kinds (see ResourceKind.expand): it has no carrier of its
 * own, and is never looked up.
 */
export function expandingKind(
  name: string,
  describe: string,
  validate: ResourceKind['validate'],
  expand: NonNullable<ResourceKind['expand']>,
  unnamedHint?: string,
): ResourceKind {
  return {
    name,
    carrier: 'experiment',
    describe: (ref) => `${describe} "${ref}"`,
    validate,
    expand,
    resolve: () => Promise.reject(new Error(`${name} values are expanded, never resolved`)),
    foundTtlMs: 0,
    rememberMissing: false,
    ...(unnamedHint === undefined ? {} : { unnamedHint }),
  };
}
