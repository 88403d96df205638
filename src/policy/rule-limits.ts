/**
 * Limits on the regex rules of one user or group on one resource type (pure). The policy matches every rule of the
 * caller and their groups against each target's name, and RE2 compiles each pattern at each match inside the
 * WebAssembly: a decision costs about the total length of those patterns (roughly 1 µs per character, plus some
 * 15 µs per rule), synchronously. Unbounded, one principal's thousand long rules would hold the event loop for a
 * second on every request of its members, for every caller. The limits are checked when rules are written
 * (`mlgate rule add`, `mlgate apply`) and again when they are loaded: a principal over them (rules written to MongoDB
 * by hand) gets one rule that denies every resource of the type instead, and the gateway logs why.
 */
export interface RuleLimits {
  /** Most rules of one principal on one resource type. */
  readonly maxRules: number;
  /** Most pattern characters of one principal's rules on one resource type, together. */
  readonly maxChars: number;
}

/** permissions.max_rules_per_principal and permissions.max_rule_chars_per_principal by default. */
export const DEFAULT_RULE_LIMITS: RuleLimits = { maxRules: 50, maxChars: 4096 };

/** The limits of a configuration. */
export function ruleLimits(config: {
  readonly permissions: { readonly max_rules_per_principal: number; readonly max_rule_chars_per_principal: number };
}): RuleLimits {
  return {
    maxRules: config.permissions.max_rules_per_principal,
    maxChars: config.permissions.max_rule_chars_per_principal,
  };
}

/** Why these patterns (one principal's, one type) are over the limits; null when they are not. */
export function ruleLimitProblem(patterns: readonly unknown[], limits: RuleLimits): string | null {
  if (patterns.length > limits.maxRules) {
    return `${patterns.length} rules, more than permissions.max_rules_per_principal (${limits.maxRules})`;
  }
  const chars = patterns.reduce<number>((sum, p) => sum + (typeof p === 'string' ? p.length : 0), 0);
  if (chars > limits.maxChars) {
    return `${chars} pattern characters, more than permissions.max_rule_chars_per_principal (${limits.maxChars})`;
  }
  return null;
}
