/**
 * The closed list of reasons a decision may carry (pure). The policy's reasons are parsed against it: a reason
 * that is not on the list is a policy the gateway does not understand, and the request is refused as a policy error
 * (5xx), never guessed at. test/integration/reasons.test.ts checks that every reason the Rego source can produce is
 * on this list and the other way round.
 */

/** Why a request is refused. */
export const DENY_REASONS = [
  'input-invalid',
  'operation-invalid',
  'policy-default-deny',
  'unauthenticated',
  'route-unknown',
  'admin-required',
  'no-targets',
  'resource-not-found',
  'no-permission',
  'explicit-deny',
  'artifact-location-not-allowed',
  'creation-restricted',
  // The model registry and prompts (h/registry): a value only administrators may set (the prompt tag).
  'reserved-value',
] as const;
export type DenyReason = (typeof DENY_REASONS)[number];

/** Where the permission that decided a target came from (a `grant:<source>` ground). */
export const GRANT_SOURCES = ['user', 'group', 'regex', 'group-regex', 'default'] as const;
export type GrantSource = (typeof GRANT_SOURCES)[number];

/** Why a request is allowed. */
export const ALLOW_REASONS = [
  'public',
  'admin',
  'authenticated',
  'no-targets',
  ...GRANT_SOURCES.map((source) => `grant:${source}` as const),
] as const;
export type AllowReason = (typeof ALLOW_REASONS)[number];

/** What a refusal means for the client: its fault, its lack of rights, or a bug in the gateway or the policy. */
export type DenyClass = 'unauthenticated' | 'refused' | 'missing' | 'gateway-bug';

/** Exhaustive: a new reason does not compile until it is classified here. */
export function classOf(reason: DenyReason): DenyClass {
  switch (reason) {
    case 'input-invalid':
    case 'operation-invalid':
    case 'policy-default-deny':
      return 'gateway-bug';
    case 'unauthenticated':
      return 'unauthenticated';
    case 'resource-not-found':
      return 'missing';
    case 'route-unknown':
    case 'admin-required':
    case 'no-targets':
    case 'no-permission':
    case 'explicit-deny':
    case 'artifact-location-not-allowed':
    case 'creation-restricted':
    case 'reserved-value':
      return 'refused';
  }
}

const DENY = new Set<string>(DENY_REASONS);
const ALLOW = new Set<string>(ALLOW_REASONS);

/** Checks the reasons of a decision against the list for its outcome; throws on an unknown one. */
export function parseReasons(allow: boolean, reasons: readonly string[]): readonly string[] {
  const known = allow ? ALLOW : DENY;
  for (const reason of reasons) {
    if (!known.has(reason)) {
      throw new Error(`unknown ${allow ? 'allow' : 'deny'} reason "${reason}" (not in src/policy/reasons.ts)`);
    }
  }
  return reasons;
}
