/**
 * `mlgate apply <file> [--dry-run] [--owner <name>]` and `mlgate export [--owner <name>]`: declarative permissions
 * (issue 8, item 6). The file is checked whole (syntax, levels, names, patterns by the policy's own regex engine,
 * experiment names in MLflow) before anything is written.
 */
import { readFile } from 'node:fs/promises';

import { MlgateError } from '../errors.js';
import type { PatternChecker } from '../policy/patterns.js';
import type { RuleLimits } from '../policy/rule-limits.js';
import { applyChanges } from '../permissions/apply.js';
import { exportPermissions } from '../permissions/export.js';
import { fileInvalid, parsePermissionsFile } from '../permissions/file.js';
import {
  type Change,
  type Current,
  applyAuthor,
  describeChange,
  planChanges,
  rulesAfter,
  rulesOverLimit,
} from '../permissions/plan.js';
import { resolveGrants } from '../permissions/resolve.js';
import type { Store } from '../store/types.js';
import type { Output } from './admin-commands.js';

const OWNER = /^[a-z0-9][a-z0-9._-]{0,63}$/;

function authorOf(owner: string | undefined): string {
  const name = owner ?? 'default';
  if (!OWNER.test(name)) {
    throw new MlgateError(
      'MLGATE_USAGE',
      `--owner "${name}" must be lower-case letters, digits and . _ - (at most 64).`,
    );
  }
  return applyAuthor(name);
}

async function currentOf(store: Store): Promise<Current> {
  const [groups, grants, rules] = await Promise.all([
    store.groups.list(),
    store.grants.list(),
    store.regexRules.list(),
  ]);
  return { groups, grants, rules };
}

export interface ApplyDeps {
  readonly store: Store;
  /** Built only when the file declares a rule. */
  readonly patterns: () => Promise<PatternChecker>;
  readonly limits: RuleLimits;
  /** Built only when the file names an experiment by name. */
  readonly experimentIdByName: () => Promise<(name: string) => Promise<string | null>>;
}

export async function applyFile(
  deps: ApplyDeps,
  args: { file: string | undefined; dryRun: boolean; owner: string | undefined },
): Promise<Output> {
  if (args.file === undefined) {
    throw new MlgateError('MLGATE_USAGE', 'A permissions file is required: mlgate apply <file> [--dry-run].');
  }
  const author = authorOf(args.owner);
  let text: string;
  try {
    text = await readFile(args.file, 'utf8');
  } catch (error) {
    throw new MlgateError('MLGATE_USAGE', `Cannot read ${args.file}: ${(error as Error).message}`);
  }
  const file = parsePermissionsFile(text, args.file);
  if (file.rules.length > 0) {
    const patterns = await deps.patterns();
    const problems = file.rules.flatMap((rule, i) => {
      const problem = patterns.problem(rule.pattern);
      return problem === null ? [] : [`rules.${i}.pattern: ${problem}`];
    });
    if (problems.length > 0) {
      throw fileInvalid(args.file, problems);
    }
  }
  const lookup = file.grants.some((g) => g.experimentName !== undefined)
    ? await deps.experimentIdByName()
    : () => Promise.resolve(null);
  const grants = await resolveGrants(file.grants, lookup, args.file);
  const current = await currentOf(deps.store);
  const changes = planChanges({ groups: file.groups, grants, rules: file.rules }, current, author);
  const overLimit = rulesOverLimit(rulesAfter(current.rules, changes), deps.limits);
  if (overLimit.length > 0) {
    throw new MlgateError(
      'MLGATE_RULE_LIMIT',
      `Applying ${args.file} would leave ${overLimit.join('; ')}. Combine patterns or declare fewer rules.`,
    );
  }
  if (!args.dryRun) {
    await applyChanges(deps.store, changes, author);
  }
  return report(changes, author, args.dryRun);
}

function report(changes: readonly Change[], author: string, dryRun: boolean): Output {
  const count = (action: Change['action']): number => changes.filter((c) => c.action === action).length;
  const summary =
    changes.length === 0
      ? 'No changes: the store matches the file.'
      : `${dryRun ? 'Would apply' : 'Applied'}: ${count('create')} to create, ${count('update')} to update, ` +
        `${count('delete')} to delete.${dryRun ? ' (dry run: nothing written)' : ''}`;
  return {
    data: {
      dry_run: dryRun,
      owner: author,
      changes: changes.map((change) => ({
        kind: change.kind,
        action: change.action,
        line: describeChange(change, author),
      })),
    },
    lines: [...changes.map((change) => describeChange(change, author)), summary],
  };
}

export async function exportFile(store: Store, args: { owner: string | undefined }): Promise<Output> {
  const current = await currentOf(store);
  const text = exportPermissions(current, args.owner === undefined ? undefined : authorOf(args.owner));
  return { data: { yaml: text }, lines: [text.trimEnd()] };
}
