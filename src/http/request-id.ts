/**
 * Request ids (pure). The gateway always makes its own id (`request_id`): it is unique, so one id is one request
 * in the logs and in MLflow's, whatever clients send. A client's X-Request-Id is kept next to it
 * (`client_request_id`) for correlation with the client's own logs, only when short and well-formed: a UUID or
 * up to 64 letters, digits and . _ : - starting with a letter or digit. Anything else is dropped, never logged.
 */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** The client's X-Request-Id when it may be logged, else undefined. */
export function acceptClientRequestId(header: string | undefined): string | undefined {
  return header !== undefined && CLIENT_REQUEST_ID.test(header) ? header : undefined;
}
