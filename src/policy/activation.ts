/**
 * Activates bundles offered by a bundle source: checks the signature, compiles the policy aside and swaps it in
 * whole (engine.load). A bundle that fails any step is refused with a logged error and the last good policy keeps
 * deciding; the last error is kept for readiness.
 */
import { MlgateError } from '../errors.js';
import type { Logger } from '../logging.js';
import { fromFiles } from './bundle.js';
import type { DecisionEngine } from './engine.js';
import { type SignatureCheck, type SignaturePolicy, verifyBundleSignature } from './signature/verify.js';
import type { BundleSink } from './source/types.js';

export interface BundleActivity {
  /** Why the latest bundle offered was refused, or null when the latest one was activated. */
  readonly lastError: string | null;
  readonly lastErrorAt: Date | null;
}

export interface BundleActivator extends BundleSink {
  /** Activates a bundle or throws why it cannot be (used at start-up, where no last good bundle exists). */
  activate(files: ReadonlyMap<string, Buffer>, source: string): Promise<void>;
  activity(): BundleActivity;
}

export function createBundleActivator(deps: {
  readonly engine: DecisionEngine;
  /** The gateway's data merged over the bundle's data.json (read at each activation). */
  readonly runtimeData: () => object;
  readonly signatures: SignaturePolicy;
  readonly logger: Logger;
}): BundleActivator {
  let activity: BundleActivity = { lastError: null, lastErrorAt: null };

  const activate = async (files: ReadonlyMap<string, Buffer>, source: string): Promise<void> => {
    let signature: SignatureCheck;
    try {
      signature = await verifyBundleSignature(files, deps.signatures);
    } catch (error) {
      throw new MlgateError(
        'MLGATE_POLICY_UNAVAILABLE',
        `Cannot use the policy bundle ${source}: ${(error as Error).message}.`,
        { cause: error },
      );
    }
    const bundle = fromFiles(files, source);
    await deps.engine.load(bundle, deps.runtimeData());
    activity = { lastError: null, lastErrorAt: null };
    deps.logger.info('policy bundle activated', {
      source,
      revision: bundle.revision,
      signature: signature.outcome,
      ...(signature.keyId === undefined ? {} : { key_id: signature.keyId }),
    });
  };

  const refuse = (error: unknown, source: string): void => {
    const message = (error as Error).message;
    activity = { lastError: message, lastErrorAt: new Date() };
    const current = deps.engine.status();
    deps.logger.error('policy bundle refused; the last good one keeps deciding', {
      source,
      error: message,
      active_revision: current.revision,
      active_source: current.source,
    });
  };

  return {
    activate,
    async offer(files, source) {
      try {
        await activate(files, source);
        return true;
      } catch (error) {
        refuse(error, source);
        return false;
      }
    },
    fail: refuse,
    activity: () => activity,
  };
}
