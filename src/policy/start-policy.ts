/**
 * The policy at start-up and after: loads the first bundle (from policy.bundle_url, policy.bundle or the shipped
 * one; a failure stops the start), then keeps the bundle source running, activating each new bundle it brings.
 */
import { ConfigError } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { MlgateError } from '../errors.js';
import type { Logger } from '../logging.js';
import { defaultBundlePath } from '../paths.js';
import { type BundleActivator, createBundleActivator } from './activation.js';
import { type DecisionEngine, createDecisionEngine } from './engine.js';
import { loadSigningKey } from './signature/key.js';
import { createFileSource } from './source/file-source.js';
import { createHttpSource } from './source/http-source.js';
import type { BundleSource } from './source/types.js';

/** Quiet time after a change to a watched bundle before it is read. */
export const WATCH_DEBOUNCE_MS = 200;

export interface RunningPolicy {
  readonly engine: DecisionEngine;
  readonly activator: BundleActivator;
  /** Starts watching or polling for new bundles (after the first one is active). */
  start(): void;
  stop(): void;
}

export async function startPolicy(
  config: Config,
  deps: { readonly logger: Logger; readonly runtimeData: () => object },
): Promise<RunningPolicy> {
  const settings = config.policy;
  const key = loadSigningKey(settings.signing_key);
  if (settings.require_signature && key === null) {
    throw new ConfigError([
      {
        path: 'policy.require_signature',
        message: 'is on but policy.signing_key is empty',
        hint: 'give the public key bundles are signed with in policy.signing_key',
      },
    ]);
  }
  const engine = createDecisionEngine();
  const logger = deps.logger.child({ component: 'policy' });
  const activator = createBundleActivator({
    engine,
    runtimeData: deps.runtimeData,
    signatures: { key, required: settings.require_signature, scope: settings.signing_scope },
    logger,
  });

  let source: BundleSource | undefined;
  if (settings.bundle_url !== '') {
    checkUrl(settings.bundle_url);
    if (settings.bundle !== '') {
      logger.warn('policy.bundle is ignored: policy.bundle_url is set', { bundle: settings.bundle });
    }
    const http = createHttpSource({
      url: settings.bundle_url,
      intervalMs: settings.poll_interval_ms,
      timeoutMs: settings.poll_timeout_ms,
      maxBytes: settings.max_bundle_bytes,
      sink: activator,
    });
    await http.poll();
    if (!engine.status().loaded) {
      throw new MlgateError(
        'MLGATE_POLICY_UNAVAILABLE',
        `Cannot start without a policy: ${activator.activity().lastError ?? 'no bundle from policy.bundle_url'}`,
      );
    }
    source = http;
  } else {
    const path = settings.bundle === '' ? defaultBundlePath() : settings.bundle;
    const file = createFileSource({
      path,
      maxBytes: settings.max_bundle_bytes,
      intervalMs: settings.poll_interval_ms,
      debounceMs: WATCH_DEBOUNCE_MS,
      sink: activator,
    });
    await activator.activate(await file.readCurrent(), path);
    if (settings.watch) {
      source = file;
    }
  }
  return {
    engine,
    activator,
    start() {
      if (source !== undefined) {
        source.start();
        logger.info('watching for new policy bundles', { source: source.description });
      }
    },
    stop: () => source?.stop(),
  };
}

function checkUrl(value: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError([
      {
        path: 'policy.bundle_url',
        message: 'is not an http:// or https:// URL',
        hint: 'e.g. https://bundles.example.com/mlgate.tar.gz',
      },
    ]);
  }
}
