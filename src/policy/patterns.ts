/**
 * Checks the pattern of a regex rule before it is stored, with the regex engine that will match it: the policy's
 * own `regex.is_valid`, evaluated in the policy WebAssembly (RE2, as compiled into OPA's wasm runtime), through
 * the bundle's mlgate/rules/pattern_check entrypoint. Syntax parity is exact: a pattern is accepted here exactly
 * when the policy can match it. RE2 matches in time linear in the name, so no pattern can backtrack
 * catastrophically; what RE2 does not have (backreferences, look-ahead and look-behind, possessive quantifiers)
 * does not compile and is refused. The gateway never runs a rule's pattern in JavaScript.
 */
import { loadPolicy } from '@open-policy-agent/opa-wasm';

import { MlgateError } from '../errors.js';
import type { PolicyBundle } from './bundle.js';

export const PATTERN_CHECK_ENTRYPOINT = 'mlgate/rules/pattern_check';

/** Longest pattern accepted (as mlflow-oidc-auth's regex column). */
export const MAX_PATTERN_LENGTH = 1024;

export interface PatternChecker {
  /** Null when the pattern can be stored, else why not (a sentence). */
  problem(pattern: string): string | null;
  /** Throws MLGATE_PATTERN_INVALID with the problem. */
  check(pattern: string): void;
}

/** What RE2 lacks that users of other engines often write, with the words to explain it (scanned, never run). */
const UNSUPPORTED: readonly (readonly [RegExp, string])[] = [
  [/\(\?<?[=!]/, 'look-ahead and look-behind ((?=…), (?!…), (?<=…), (?<!…)) are not supported'],
  [/\\[1-9]/, 'backreferences (\\1 … \\9) are not supported'],
  [/\\[kg]</, 'named backreferences are not supported'],
  [/[*+?}][+]/, 'possessive quantifiers (*+, ++, ?+) are not supported'],
  [/\(\?>/, 'atomic groups ((?>…)) are not supported'],
  [/\\C/, '\\C (any byte) is not supported'],
];

export async function createPatternChecker(bundle: Pick<PolicyBundle, 'wasm' | 'source'>): Promise<PatternChecker> {
  const policy = await loadPolicy(bundle.wasm);
  if (!(PATTERN_CHECK_ENTRYPOINT in policy.entrypoints)) {
    throw new MlgateError(
      'MLGATE_POLICY_UNAVAILABLE',
      `The policy bundle ${bundle.source} has no entrypoint ${PATTERN_CHECK_ENTRYPOINT}, which checks regex rules; ` +
        `build it with -e ${PATTERN_CHECK_ENTRYPOINT} (scripts/build-policy.sh does).`,
    );
  }
  const compiles = (pattern: string): boolean => {
    const result = policy.evaluate({ pattern }, PATTERN_CHECK_ENTRYPOINT) as { result?: { valid?: unknown } }[];
    return result[0]?.result?.valid === true;
  };
  const problem = (pattern: string): string | null => {
    if (pattern.length === 0) {
      return 'the pattern is empty';
    }
    if (pattern.length > MAX_PATTERN_LENGTH) {
      return `the pattern is ${pattern.length} characters long; at most ${MAX_PATTERN_LENGTH} are accepted`;
    }
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(pattern)) {
      return 'the pattern contains a control character; write it as an escape (\\n, \\t, \\x00)';
    }
    for (const [construct, why] of UNSUPPORTED) {
      if (construct.test(pattern)) {
        return `${why} by RE2, the regex engine of the policy`;
      }
    }
    if (!compiles(pattern)) {
      return 'RE2, the regex engine of the policy, cannot compile it (check brackets, parentheses and repetitions; {n} is at most 1000)';
    }
    return null;
  };
  return {
    problem,
    check(pattern) {
      const why = problem(pattern);
      if (why !== null) {
        throw new MlgateError(
          'MLGATE_PATTERN_INVALID',
          `Invalid regex rule pattern ${JSON.stringify(pattern)}: ${why}.`,
          {
            details: { pattern },
          },
        );
      }
    },
  };
}
