/** Turns the experiment names of declared grants into ids, through MLflow; every unknown name is listed at once. */
import { mapLimited } from '../util/concurrency.js';
import { type DeclaredGrant, fileInvalid } from './file.js';
import type { ResolvedGrant } from './plan.js';

/** Look-ups in flight at once. */
const LOOKUP_CONCURRENCY = 8;

export async function resolveGrants(
  grants: readonly DeclaredGrant[],
  experimentIdByName: (name: string) => Promise<string | null>,
  source: string,
): Promise<ResolvedGrant[]> {
  const names = [...new Set(grants.flatMap((g) => (g.experimentName === undefined ? [] : [g.experimentName])))];
  const ids = new Map<string, string | null>();
  const found = await mapLimited(names, LOOKUP_CONCURRENCY, experimentIdByName);
  names.forEach((name, i) => ids.set(name, found[i] ?? null));
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const resolved = grants.map((grant, i): ResolvedGrant => {
    const id = grant.resourceId ?? ids.get(grant.experimentName ?? '') ?? null;
    if (id === null) {
      problems.push(
        `grants.${i}.experiment_name: MLflow has no experiment named ${JSON.stringify(grant.experimentName)}`,
      );
    } else {
      const key = JSON.stringify([grant.resourceType, id, grant.principalType, grant.principal]);
      const first = seen.get(key);
      if (first !== undefined) {
        problems.push(`grants.${i}: declares the same grant as grants.${first} (${grant.resourceType} ${id})`);
      }
      seen.set(key, i);
    }
    return {
      resourceType: grant.resourceType,
      resourceId: id ?? '',
      principalType: grant.principalType,
      principal: grant.principal,
      permission: grant.permission,
    };
  });
  if (problems.length > 0) {
    throw fileInvalid(source, problems);
  }
  return resolved;
}
