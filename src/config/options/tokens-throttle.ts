/** Options: Access tokens and failed-credential throttling. */
import type { OptionSpec } from '../schema.js';

export const TOKENS_THROTTLE_OPTIONS: readonly OptionSpec[] = [
  // Access tokens and failed-credential throttling (issue 7, items 5 and 7).
  {
    path: 'tokens.default_lifetime_days',
    type: 'integer',
    default: 90,
    min: 1,
    max: 36_500,
    description: 'Lifetime of an access token created without one (at most tokens.max_lifetime_days).',
  },
  {
    path: 'tokens.max_lifetime_days',
    type: 'integer',
    default: 366,
    min: 1,
    max: 36_500,
    description: 'Longest lifetime an access token may be created with.',
  },
  {
    path: 'tokens.allow_no_expiry',
    type: 'boolean',
    default: false,
    description: 'Allow access tokens that never expire (asked for as "never"). Off: every token expires.',
  },
  {
    path: 'tokens.replace_on_create',
    type: 'boolean',
    default: false,
    description:
      "Creating an access token revokes the user's other tokens (one token per user, as mlflow-oidc-auth " +
      'before named tokens). Off: a user holds several named tokens.',
  },
  {
    path: 'tokens.max_per_user',
    type: 'integer',
    default: 20,
    min: 1,
    max: 10_000,
    description: 'Most access tokens one user may hold; creating more is refused until one is revoked.',
  },
  {
    path: 'tokens.create_with_token',
    type: 'boolean',
    default: false,
    description:
      'Let a caller authenticated by an access token or a JWT bearer token create access tokens through POST ' +
      '/_mlgate/api/tokens. Off: only a signed-in browser (or a trusted proxy user) can, so a leaked or ' +
      'short-lived token cannot mint others that outlive it. The CLI is not affected.',
  },
  {
    path: 'throttle.enabled',
    type: 'boolean',
    default: true,
    description:
      'Slow down, then refuse with 429, repeated failed credentials per address and per username (counted in ' +
      'MongoDB, shared by every replica). See docs/identity.md, Throttling.',
  },
  {
    path: 'throttle.window_ms',
    type: 'integer',
    default: 900_000,
    min: 1_000,
    max: 86_400_000,
    description: 'How long failures are remembered after the latest one under the same address or username.',
  },
  {
    path: 'throttle.free_failures',
    type: 'integer',
    default: 5,
    min: 0,
    max: 10_000,
    description: 'Failures per address or username answered at once; later ones are delayed.',
  },
  {
    path: 'throttle.delay_ms',
    type: 'integer',
    default: 250,
    min: 0,
    max: 60_000,
    description: 'Delay of the first failure past throttle.free_failures; it doubles with each further failure.',
  },
  {
    path: 'throttle.max_delay_ms',
    type: 'integer',
    default: 5_000,
    min: 0,
    max: 60_000,
    description: 'Longest delay of a failed credential.',
  },
  {
    path: 'throttle.address_max_failures',
    type: 'integer',
    default: 30,
    min: 1,
    max: 1_000_000,
    description:
      'Failures from one address after which every credential it sends (valid ones too, browser sessions ' +
      'excepted) gets 429 MLGATE_AUTH_THROTTLED until the window passes.',
  },
  {
    path: 'throttle.username_max_failures',
    type: 'integer',
    default: 10,
    min: 1,
    max: 1_000_000,
    description:
      'Failures naming one username after which further failed attempts for it get 429; a valid token of that ' +
      'user from an address that is not blocked still works.',
  },
];
