/**
 * How long a kept-alive connection to MLflow may sit unused before the gateway closes it. MLflow's servers close
 * idle connections themselves (uvicorn after 5 s, gunicorn after 2 s); a request the gateway sends on a connection
 * at the moment MLflow closes it fails with a reset (502 MLGATE_UPSTREAM_UNAVAILABLE, seen in CI). Closing first,
 * on the gateway's side, removes that race. Node's Agent destroys a free socket on its `timeout` and gives a socket
 * back to the agent's timeout whenever a request ends, so requests in flight keep their own timeouts.
 */
export const IDLE_SOCKET_TIMEOUT_MS = 1_500;
