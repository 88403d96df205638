/** Options: Browser sessions and the proxies trusted for TLS. */
import type { OptionSpec } from '../schema.js';

export const SESSIONS_OPTIONS: readonly OptionSpec[] = [
  // Browser sessions (issue 7).
  {
    path: 'session.cookie_name',
    type: 'string',
    default: 'mlgate_session',
    required: true,
    aliases: ['SESSION_COOKIE_NAME'],
    description: 'Name of the session cookie (it holds only a signed random id; the session lives in MongoDB).',
  },
  {
    path: 'session.max_age_ms',
    type: 'integer',
    default: 7 * 24 * 3_600_000,
    min: 60_000,
    max: 90 * 24 * 3_600_000,
    description: 'Absolute lifetime of a browser session from sign-in; the user signs in again afterwards.',
  },
  {
    path: 'session.idle_timeout_ms',
    type: 'integer',
    default: 24 * 3_600_000,
    min: 60_000,
    max: 90 * 24 * 3_600_000,
    description:
      'A browser session without a request for this long ends. Activity is recorded at most once a minute, so ' +
      'the limit is exact to a minute.',
  },
  {
    path: 'session.cookie_secure',
    type: 'enum',
    default: 'auto',
    values: ['auto', 'always', 'never'],
    description:
      'Secure flag of the session cookie. auto: set when the request came over TLS (directly, or through a proxy ' +
      'in server.trusted_proxies that sends X-Forwarded-Proto: https); always; never (plain-HTTP trials only).',
  },
  {
    path: 'session.allowed_origins',
    type: 'string-list',
    default: [],
    description:
      "Origins besides the gateway's own (scheme://host[:port] of the request) from which a state-changing request " +
      'with a session cookie is accepted, e.g. https://mlflow.example.com when a proxy in front rewrites Host.',
  },
  {
    path: 'logging.level',
    type: 'enum',
    default: 'info',
    values: ['debug', 'info', 'warn', 'error'],
    aliases: ['LOG_LEVEL'],
    description: 'Lowest level written to the log.',
  },
  {
    path: 'logging.format',
    type: 'enum',
    default: 'json',
    values: ['json', 'text'],
    description: 'json: one JSON object per line; text: human-readable lines.',
  },
];
