/** The access token and throttling settings, read from the configuration. */
import type { Config } from '../config/schema.js';
import type { TokenSettings } from './token-service.js';
import type { ThrottleSettings } from './throttle/policy.js';

export const DEVELOPMENT_TOKEN_KEY_WARNING =
  'session.secret_key (SECRET_KEY) is empty: access tokens are hashed with the public development key, so a copy ' +
  'of the database is enough to test token guesses offline. Set SECRET_KEY (the same on every replica and for ' +
  'the CLI) and create new tokens.';

export function tokenSettings(config: Pick<Config, 'tokens'>): TokenSettings {
  return {
    defaultDays: config.tokens.default_lifetime_days,
    maxDays: config.tokens.max_lifetime_days,
    allowNoExpiry: config.tokens.allow_no_expiry,
    replaceOnCreate: config.tokens.replace_on_create,
    maxPerUser: config.tokens.max_per_user,
  };
}

export function throttleSettings(config: Pick<Config, 'throttle'>): ThrottleSettings {
  return {
    windowMs: config.throttle.window_ms,
    freeFailures: config.throttle.free_failures,
    delayMs: config.throttle.delay_ms,
    maxDelayMs: config.throttle.max_delay_ms,
    addressMaxFailures: config.throttle.address_max_failures,
    usernameMaxFailures: config.throttle.username_max_failures,
  };
}
