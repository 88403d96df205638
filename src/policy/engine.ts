/**
 * The decision engine: the compiled Rego policy in WebAssembly. It starts
 * empty; until a bundle is loaded, and whenever evaluation fails, every call
 * throws, so the request is refused (503) and never allowed.
 */
import { type LoadedPolicy, loadPolicy } from '@open-policy-agent/opa-wasm';

import { MlgateError } from '../errors.js';
import type { PolicyBundle } from './bundle.js';
import { DEFAULT_DATA_LOAD, type DataLoadOptions, type DataLoadReport, internalsOf, loadData } from './data-loader.js';
import { type Decision, parseDecision, parseVisible } from './decision.js';
import type { PolicyInput } from './input.js';
import { type Lease, type PolicyInstance, createInstanceRecycler, newInstance } from './instances.js';

export const DECISION_ENTRYPOINT = 'mlgate/authz/decision';
export const VISIBLE_ENTRYPOINT = 'mlgate/authz/visible';
/**
 * Resources readable only when all their targets are (evaluation datasets). Not required of a bundle: one built
 * without it loads, and refuses the dataset searches that need it (MLGATE_POLICY_ERROR).
 */
export const VISIBLE_RESOURCES_ENTRYPOINT = 'mlgate/authz/visible_resources';

export interface PolicyStatus {
  readonly loaded: boolean;
  readonly revision: string;
  readonly source: string;
  readonly loadedAt: Date | null;
}

/**
 * One installed policy, fixed: every decision of a request is read from the same snapshot, so a bundle swapped in
 * halfway through (a filtered search deciding page after page) does not mix two policies in one answer.
 */
export interface PolicySnapshot {
  decide(input: PolicyInput): Decision;
  /** Ids of input.targets the principal may read. */
  visible(input: PolicyInput): Set<string>;
  /** The refs of input.targets the principal may read: a ref is readable when every target with it is. */
  visibleResources(input: PolicyInput): Set<string>;
  /** The revision of the bundle this snapshot decides with ("" without a loaded bundle). */
  readonly revision: string;
  /**
   * Ends the snapshot's use (the end of its request): its policy instance may then be loaded again with new data
   * (instances.ts). Deciding with it afterwards fails closed (MLGATE_INTERNAL). A snapshot never released only keeps
   * its instance from being reused.
   */
  release(): void;
}

export interface DecisionEngine {
  /**
   * Compiles and installs a bundle; on failure the previous one stays in place. Runtime data given to setData while
   * it loads replaces `runtimeData` before the bundle is installed.
   */
  load(bundle: PolicyBundle, runtimeData: object): Promise<DataLoadReport>;
  /**
   * Replaces the runtime data of the installed bundle (permission data that changed): a new policy instance is
   * built with it aside, its data loaded over several event-loop turns (data-loader.ts), and then swapped in, so a
   * decision never sees half of it and requests keep moving meanwhile; on failure nothing changes.
   */
  setData(runtimeData: object): Promise<DataLoadReport>;
  /** The policy installed now, for the whole of one request, which releases it when it ends. */
  snapshot(): PolicySnapshot;
  /** Decides with the policy installed now (snapshot().decide). */
  decide(input: PolicyInput): Decision;
  /** Ids of input.targets the principal may read, with the policy installed now. */
  visible(input: PolicyInput): Set<string>;
  status(): PolicyStatus;
}

interface Installed {
  /** The instance deciding, of the bundle's policy.wasm compiled once (a data change never recompiles it). */
  readonly instance: PolicyInstance;
  readonly status: PolicyStatus;
  readonly bundle: PolicyBundle;
}

export interface DecisionEngineOptions {
  /** How data is loaded into a new policy instance (slice budget, piece size). */
  readonly dataLoad?: DataLoadOptions;
}

export function createDecisionEngine(options: DecisionEngineOptions = {}): DecisionEngine {
  let installed: Installed | undefined;
  /** The runtime data of the latest setData, and how many calls there were (a load in progress picks it up). */
  let latestData: object | undefined;
  let dataCalls = 0;
  /** Which setData call's data the installed instance holds (0: the data its bundle was loaded with). */
  let installedCall = 0;
  // The JSON of the frozen parts of the data (the rule lists a reload did not rebuild), reused from load to load.
  const dataLoad: DataLoadOptions = { ...(options.dataLoad ?? DEFAULT_DATA_LOAD), knownJson: new WeakMap() };
  const recycler = createInstanceRecycler();

  const evaluate = <T>(
    current: Installed | undefined,
    input: PolicyInput,
    entrypoint: string,
    parse: (result: unknown) => T,
    lease?: Lease,
  ): T => {
    if (current === undefined) {
      throw new MlgateError('MLGATE_POLICY_UNAVAILABLE');
    }
    if (lease !== undefined && !lease.valid()) {
      throw new MlgateError(
        'MLGATE_INTERNAL',
        'A policy snapshot was used after its request released it; the gateway refuses rather than decide with ' +
          'data loaded since. Report this as a bug.',
        { details: { entrypoint } },
      );
    }
    let result: unknown;
    try {
      result = current.instance.policy.evaluate(input, entrypoint);
    } catch (error) {
      throw new MlgateError('MLGATE_POLICY_ERROR', undefined, { cause: error, details: { entrypoint } });
    }
    try {
      return parse(result);
    } catch (error) {
      throw new MlgateError('MLGATE_POLICY_ERROR', undefined, { cause: error, details: { entrypoint } });
    }
  };

  const snapshotOf = (current: Installed | undefined): PolicySnapshot => {
    const lease = current === undefined ? undefined : recycler.lease(current.instance);
    return {
      decide: (input) => evaluate(current, input, DECISION_ENTRYPOINT, parseDecision, lease),
      visible: (input) => evaluate(current, input, VISIBLE_ENTRYPOINT, parseVisible, lease),
      visibleResources: (input) => visibleResources(current, input, lease),
      revision: current?.status.revision ?? '',
      release: () => lease?.release(),
    };
  };

  const visibleResources = (current: Installed | undefined, input: PolicyInput, lease?: Lease): Set<string> => {
    if (current !== undefined && !(VISIBLE_RESOURCES_ENTRYPOINT in current.instance.policy.entrypoints)) {
      throw new MlgateError(
        'MLGATE_POLICY_ERROR',
        `The policy bundle ${current.bundle.source} has no entrypoint ${VISIBLE_RESOURCES_ENTRYPOINT}, which ` +
          `filtered dataset searches need; an operator must rebuild it with -e ${VISIBLE_RESOURCES_ENTRYPOINT}.`,
        { details: { entrypoint: VISIBLE_RESOURCES_ENTRYPOINT } },
      );
    }
    return evaluate(current, input, VISIBLE_RESOURCES_ENTRYPOINT, parseVisible, lease);
  };

  /** Installs `next`; the instance it replaces is reused once no snapshot holds it. */
  const install = (next: Installed): void => {
    const previous = installed;
    installed = next;
    if (previous !== undefined && previous.instance !== next.instance) recycler.retire(previous.instance);
  };

  /**
   * An instance of `module` for data replacing `previous`'s: the one replaced last when nobody holds it any more
   * (loaded again over its own memory), else a new one.
   */
  const instanceFor = async (module: WebAssembly.Module, previous: PolicyInstance): Promise<PolicyInstance> =>
    recycler.take(module) ?? newInstance(await loadPolicy(module, memoryLike(previous.policy)), module);

  return {
    async load(bundle, runtimeData) {
      const seenAtStart = dataCalls;
      let instance: PolicyInstance;
      let module: WebAssembly.Module;
      try {
        module = await WebAssembly.compile(bundle.wasm);
        instance = newInstance(await loadPolicy(module), module);
      } catch (error) {
        throw new MlgateError(
          'MLGATE_POLICY_UNAVAILABLE',
          `Cannot load the policy bundle ${bundle.source}: its policy.wasm is not a valid OPA WebAssembly module ` +
            `(${(error as Error).message}). Rebuild it with "opa build -t wasm".`,
          { cause: error },
        );
      }
      const entrypoints = instance.policy.entrypoints as Record<string, number>;
      for (const entrypoint of [DECISION_ENTRYPOINT, VISIBLE_ENTRYPOINT]) {
        if (!(entrypoint in entrypoints)) {
          throw new MlgateError(
            'MLGATE_POLICY_UNAVAILABLE',
            `The policy bundle ${bundle.source} has no entrypoint ${entrypoint} ` +
              `(it has: ${Object.keys(entrypoints).join(', ') || 'none'}). Build it with -e ${entrypoint}.`,
          );
        }
      }
      let report: DataLoadReport;
      let seen: number;
      try {
        report = await loadData(instance.policy, { ...bundle.data, ...runtimeData }, dataLoad);
        // Data changed while this bundle loaded (live data): load the latest into a fresh instance, or it would be
        // installed with data older than the policy it replaces.
        seen = seenAtStart;
        while (seen !== dataCalls && latestData !== undefined) {
          seen = dataCalls;
          instance = newInstance(await loadPolicy(module, memoryLike(instance.policy)), module);
          report = await loadData(instance.policy, { ...bundle.data, ...latestData }, dataLoad);
        }
      } catch (error) {
        throw new MlgateError('MLGATE_POLICY_UNAVAILABLE', `Cannot load data into the policy ${bundle.source}.`, {
          cause: error,
        });
      }
      installedCall = seen;
      install({
        instance,
        bundle,
        status: { loaded: true, revision: bundle.revision, source: bundle.source, loadedAt: new Date() },
      });
      return report;
    },
    async setData(runtimeData) {
      latestData = runtimeData;
      dataCalls += 1;
      const call = dataCalls;
      const current = installed;
      if (current === undefined) {
        throw new MlgateError('MLGATE_POLICY_UNAVAILABLE');
      }
      let report: DataLoadReport;
      let instance: PolicyInstance;
      try {
        instance = await instanceFor(current.instance.module, current.instance);
        report = await loadData(instance.policy, { ...current.bundle.data, ...runtimeData }, dataLoad);
      } catch (error) {
        throw new MlgateError(
          'MLGATE_POLICY_UNAVAILABLE',
          `Cannot load data into the policy ${current.bundle.source}.`,
          {
            cause: error,
          },
        );
      }
      // A bundle activated meanwhile keeps its own instance (it was loaded with the latest data: see load above),
      // and so does a later setData that finished first; this one is then only kept for reuse. An earlier one that
      // finished first was installed, and is replaced by this one.
      const now = installed;
      if (now !== undefined && now.instance.module === current.instance.module && call > installedCall) {
        installedCall = call;
        install({ ...now, instance });
      } else {
        recycler.retire(instance);
      }
      return report;
    },
    snapshot: () => snapshotOf(installed),
    decide: (input) => evaluate(installed, input, DECISION_ENTRYPOINT, parseDecision),
    visible: (input) => evaluate(installed, input, VISIBLE_ENTRYPOINT, parseVisible),
    status: () => installed?.status ?? { loaded: false, revision: '', source: '', loadedAt: null },
  };
}

/** WebAssembly memory pages are 64 KiB. */
const WASM_PAGE = 64 * 1024;

/** Pages beyond the previous instance's data: room for a little more data, and for the first evaluations. */
const SPARE_PAGES = 2;

/**
 * The memory for a new instance that replaces `previous`: large enough from the start for the data the previous one
 * holds (where its heap pointer stood after its data, `dataHeapPtr`) and a little more, so loading data much like
 * its own does not grow it page after page. Each growth of a WebAssembly memory counts as external memory to V8, and
 * a reload that grew a fresh memory from 5 pages to its size started a full garbage collection every few reloads
 * (issue 8). Not the size the previous memory has grown to: evaluations (a filtered page of many targets) grow it
 * further, and a much larger fresh memory makes loading slower. The SDK's default (5 pages) when the previous
 * instance's internals cannot be read.
 */
function memoryLike(previous: LoadedPolicy): { initial?: number } {
  const dataEnd =
    internalsOf(previous) === null ? undefined : (previous as unknown as { dataHeapPtr: number }).dataHeapPtr;
  return dataEnd === undefined ? {} : { initial: Math.max(5, Math.ceil(dataEnd / WASM_PAGE) + SPARE_PAGES) };
}
