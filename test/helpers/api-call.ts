/** One call to the gateway's own API (/_mlgate/api/…), with its status and JSON answer. */
export interface ApiAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export async function apiCall(
  baseUrl: string,
  method: string,
  path: string,
  authorization: string | null,
  body?: unknown,
): Promise<ApiAnswer> {
  const response = await fetch(`${baseUrl}/_mlgate/api${path}`, {
    method,
    headers: {
      ...(authorization === null ? {} : { authorization }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** The status and stable code of an answer, for one assertion. */
export function outcome(answer: ApiAnswer): [number, unknown] {
  return [answer.status, answer.body['code']];
}
