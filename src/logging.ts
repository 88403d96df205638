/**
 * Structured logging with pino: one JSON object per line (or pino-pretty text for humans), fields rather than
 * interpolated strings. Errors are written with pino's error serializer (type, message, stack, the `cause` chain
 * and their own fields), and every field named like a secret is redacted at any depth before anything is written.
 */
import { type Writable } from 'node:stream';

import { type Logger as PinoLogger, pino, stdSerializers } from 'pino';
import { prettyFactory } from 'pino-pretty';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: 'json' | 'text';
  /**
   * Receives each line, without its newline (default: standard output, written synchronously: a line is out before
   * the call returns, so no signal, crash or slow reader of the output can lose one; a buffered, asynchronous writer
   * lost lines on a second signal or SIGHUP and grew without bound behind a stalled reader).
   */
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
}

const REDACTED = '[redacted]';
const MAX_DEPTH = 8;
const SECRET_KEYS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'password',
  'token',
  'access_token',
  'id_token',
  'refresh_token',
  'client_secret',
  'secret',
  'secret_key',
]);
const SECRET_SUFFIXES = ['_password', '_secret', '_token', '-token', '-secret'];

/** True when a field of this name must never be logged. */
export function isSecretKey(key: string): boolean {
  const lower = key.toLowerCase();
  return SECRET_KEYS.has(lower) || SECRET_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}

/**
 * A copy of `value` with every secret-named field replaced by "[redacted]", at any depth (pino's own `redact`
 * takes fixed paths, and secrets can be nested anywhere). Errors are first serialized by pino (stack and
 * `cause` chain included), then redacted like any object, so their own fields cannot leak a secret either.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') {
    return value;
  }
  if (depth > MAX_DEPTH) {
    return '[too deep]';
  }
  if (value instanceof Error) {
    return redact({ ...stdSerializers.errWithCause(value) }, depth);
  }
  if (Array.isArray(value)) {
    return value.map((item) => redact(item, depth + 1));
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSecretKey(key) ? REDACTED : redact(item, depth + 1);
  }
  return out;
}

function destination(options: LoggerOptions): { write(chunk: string): void } {
  const out: Writable | { write(chunk: string): void } =
    options.write === undefined
      ? pino.destination({ dest: 1, sync: true })
      : { write: (chunk: string) => options.write?.(chunk.replace(/\n$/, '')) };
  if (options.format === 'json') {
    return out;
  }
  // pino-pretty in-process (no worker thread), before the line reaches the destination.
  const prettify = prettyFactory({ colorize: false, translateTime: false, ignore: '' });
  return { write: (line: string) => out.write(prettify(line)) };
}

export function createLogger(options: LoggerOptions, base: LogFields = {}): Logger {
  const now = options.now ?? (() => new Date());
  const root = pino(
    {
      level: options.level,
      base: null,
      timestamp: () => `,"time":"${now().toISOString()}"`,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => redact(fields) as Record<string, unknown>,
      },
      // Errors under `err` were serialized (and redacted) by the log formatter above; pino's default would
      // serialize the result a second time.
      serializers: { err: (value: unknown) => (value instanceof Error ? redact(value) : value) },
    },
    destination(options),
  );
  return wrap(root.child(redact(base) as Record<string, unknown>));
}

function wrap(logger: PinoLogger): Logger {
  return {
    debug: (message, fields) => logger.debug({ ...fields }, message),
    info: (message, fields) => logger.info({ ...fields }, message),
    warn: (message, fields) => logger.warn({ ...fields }, message),
    error: (message, fields) => logger.error({ ...fields }, message),
    child: (fields) => lazyChild(logger, fields),
  };
}

/**
 * A child logger made when it first writes: every request gets one (its request id on each line), most write one
 * line or none at their level, and pino serialises a child's fields when it is made.
 */
function lazyChild(parent: PinoLogger, fields: LogFields): Logger {
  let made: Logger | undefined;
  const logger = (): Logger => (made ??= wrap(parent.child(redact(fields) as Record<string, unknown>)));
  return {
    debug: (message, more) => {
      if (parent.isLevelEnabled('debug')) logger().debug(message, more);
    },
    info: (message, more) => {
      if (parent.isLevelEnabled('info')) logger().info(message, more);
    },
    warn: (message, more) => logger().warn(message, more),
    error: (message, more) => logger().error(message, more),
    child: (more) => lazyChild(parent, { ...fields, ...more }),
  };
}

/** A logger that drops everything (for tests and tools). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
