/**
 * How a request ended, for the access log (pure). Every request gets one access-log line, including those whose
 * client went away and those the gateway cut; the status then says so (499, 408) instead of a status nobody
 * received.
 */

/**
 * - `completed`: an answer was given (or is being written) on a live connection;
 * - `client_closed`: the client closed its connection before the answer was sent (logged as 499);
 * - `body_idle_timeout`: the gateway cut the connection because the request body stalled (logged as 408);
 * - `upstream_cut`: MLflow failed in the middle of its answer, so the client's connection was cut.
 */
export type RequestOutcome = 'completed' | 'client_closed' | 'body_idle_timeout' | 'upstream_cut';

/** nginx's "client closed request": no status was sent because the client was no longer there. */
export const CLIENT_CLOSED_STATUS = 499;
export const BODY_TIMEOUT_STATUS = 408;

export interface OutcomeFacts {
  /** What a stage recorded, if anything. */
  readonly recorded: RequestOutcome | undefined;
  /** The status the gateway answered or meant to answer. */
  readonly status: number;
  /** The response was written to the end. */
  readonly responseFinished: boolean;
  /** The client's connection is closed. */
  readonly connectionClosed: boolean;
}

export function accessOutcome(facts: OutcomeFacts): { readonly outcome: RequestOutcome; readonly status: number } {
  switch (facts.recorded) {
    case 'body_idle_timeout':
      return { outcome: 'body_idle_timeout', status: BODY_TIMEOUT_STATUS };
    case 'upstream_cut':
      return { outcome: 'upstream_cut', status: facts.status };
    case 'client_closed':
      return { outcome: 'client_closed', status: CLIENT_CLOSED_STATUS };
    default:
      return facts.connectionClosed && !facts.responseFinished
        ? { outcome: 'client_closed', status: CLIENT_CLOSED_STATUS }
        : { outcome: 'completed', status: facts.status };
  }
}
