/** The outcome of mapLimitedUntil: every result, or the result that stopped the work. */
export type MapUntilOutcome<R> =
  { readonly stopped: false; readonly results: R[] } | { readonly stopped: true; readonly result: R };

/**
 * Maps `items` through `fn` with at most `limit` calls in flight, keeping the order of the results. No call is
 * started once one has failed; calls already in flight are awaited, then the first failure is thrown.
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  return (await runLimited(items, limit, fn, () => false)).results;
}

/**
 * Like mapLimited, but starts no further call once a result satisfies `stop` (or a call fails). Calls already in
 * flight are awaited, so no work goes on in the background; among the results that satisfy `stop`, the one of the
 * earliest item is returned.
 */
export async function mapLimitedUntil<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
  stop: (result: R) => boolean,
): Promise<MapUntilOutcome<R>> {
  const { results, stopAt } = await runLimited(items, limit, fn, stop);
  return stopAt === undefined ? { stopped: false, results } : { stopped: true, result: results[stopAt] as R };
}

async function runLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
  stop: (result: R) => boolean,
): Promise<{ results: R[]; stopAt: number | undefined }> {
  const results = new Array<R>(items.length);
  let next = 0;
  let stopAt = Infinity;
  let failure: { readonly error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && stopAt === Infinity && failure === undefined) {
      const index = next++;
      try {
        const result = await fn(items[index] as T);
        results[index] = result;
        if (stop(result)) {
          stopAt = Math.min(stopAt, index);
        }
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) {
    throw failure.error;
  }
  return { results, stopAt: stopAt === Infinity ? undefined : stopAt };
}
