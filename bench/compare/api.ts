/** The few MLflow REST calls the side-by-side benchmark makes outside its measurements (setup and checks). */

/** Sends a JSON request and returns the parsed answer; any status but 2xx throws with the answer quoted. */
export async function callJson(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  authorization: string | undefined,
  body?: object,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(authorization === undefined ? {} : { authorization }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${baseUrl}${path}: ${response.status} ${text.slice(0, 500)}`);
  }
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

/** The HTTP Basic authorization header value for a user name and password (or access token). */
export function basic(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}

/** Runs `work` over `items` with at most `limit` at a time; results in the order of `items`. */
export async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T);
      }
    }),
  );
  return results;
}
