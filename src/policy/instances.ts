/**
 * Policy instances and their reuse (issue 8: a data update must never stall request handling). Each data change
 * loads the new data into an instance aside and swaps it in. A fresh instance each time means a fresh WebAssembly
 * memory each time: V8 counts it as external memory, and only a full garbage collection frees the old one, so with
 * requests running a reload every few seconds set off full collections (5 in 20 reloads, bench/reload-alloc.js)
 * whose pauses were the longest stalls left. Reusing the instance that was replaced, once no request holds it, took
 * that to none.
 *
 * A request holds an instance through a snapshot it leases (engine.snapshot) and releases when it ends. An instance
 * replaced while leased is reused only after its last lease is released; one never released is simply never reused
 * (and collected with its last snapshot). Reloading an instance bumps its epoch, and a snapshot refuses to decide
 * with an instance loaded again after it was taken, or after it was released: a request that kept a snapshot too
 * long fails closed instead of deciding with other data.
 */
import type { LoadedPolicy } from '@open-policy-agent/opa-wasm';

/** One instance of a compiled policy module, and the leases on it. */
export interface PolicyInstance {
  readonly policy: LoadedPolicy;
  readonly module: WebAssembly.Module;
  /** Snapshots taken and not released. */
  leases: number;
  /** Replaced by another instance: reusable once no snapshot holds it. */
  retired: boolean;
  /** How many times it was loaded again. */
  epoch: number;
}

/** A snapshot's hold on an instance. */
export interface Lease {
  /** False once released, or once the instance was loaded again. */
  valid(): boolean;
  /** Ends the hold (again: nothing). */
  release(): void;
}

export interface InstanceRecycler {
  /** A replaced instance of `module` that nobody holds, ready to be loaded again (its epoch bumped); or undefined. */
  take(module: WebAssembly.Module): PolicyInstance | undefined;
  /** `instance` is no longer installed: it is reused once its last lease is released. */
  retire(instance: PolicyInstance): void;
  /** A hold on `instance` for one snapshot. */
  lease(instance: PolicyInstance): Lease;
}

export function newInstance(policy: LoadedPolicy, module: WebAssembly.Module): PolicyInstance {
  return { policy, module, leases: 0, retired: false, epoch: 0 };
}

/** Keeps one spare instance at most: the last one retired and released. */
export function createInstanceRecycler(): InstanceRecycler {
  let spare: PolicyInstance | undefined;
  const offer = (instance: PolicyInstance): void => {
    if (instance.retired && instance.leases === 0) spare = instance;
  };
  return {
    take(module) {
      const found = spare;
      spare = undefined;
      if (found === undefined || found.module !== module) return undefined;
      found.retired = false;
      found.epoch += 1;
      return found;
    },
    retire(instance) {
      instance.retired = true;
      offer(instance);
    },
    lease(instance) {
      instance.leases += 1;
      const epoch = instance.epoch;
      let released = false;
      return {
        valid: () => !released && instance.epoch === epoch,
        release() {
          if (released) return;
          released = true;
          instance.leases -= 1;
          offer(instance);
        },
      };
    },
  };
}
