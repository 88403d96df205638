/**
 * What a user's SearchExperiments (max_results 100) returns on a target, against what it should: exactly the
 * experiments the user may read where the target has permissions, the first page of all of them where it has none.
 */
import { callJson } from './api.js';
import type { Fixture } from './setup.js';
import type { Target } from './target.js';

export const SEARCH_PAGE = 100;

export interface SearchCheck {
  readonly target: string;
  readonly returned: number;
  readonly expected: number;
  /** Returned experiments the user may not read (where the target has permissions). */
  readonly unreadable: number;
  /** Readable experiments missing from the page. */
  readonly missing: number;
  readonly ok: boolean;
}

export async function checkSearch(target: Target, fixture: Fixture): Promise<SearchCheck> {
  const answer = await callJson(target.url, 'POST', '/api/2.0/mlflow/experiments/search', target.userAuthorization, {
    max_results: SEARCH_PAGE,
  });
  const ids = ((answer['experiments'] ?? []) as { experiment_id: string }[]).map((e) => e.experiment_id);
  if (target.userAuthorization === undefined) {
    // No permissions: a full page of everything (the default experiment included).
    const expected = Math.min(SEARCH_PAGE, fixture.experimentIds.length + 1);
    return {
      target: target.name,
      returned: ids.length,
      expected,
      unreadable: 0,
      missing: 0,
      ok: ids.length === expected,
    };
  }
  const visible = new Set(fixture.visibleIds);
  const unreadable = ids.filter((id) => !visible.has(id)).length;
  const missing = fixture.visibleIds.filter((id) => !ids.includes(id)).length;
  return {
    target: target.name,
    returned: ids.length,
    expected: visible.size,
    unreadable,
    missing,
    ok: unreadable === 0 && missing === 0 && ids.length === visible.size,
  };
}
