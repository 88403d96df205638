/**
 * Loads the policy's data document into a new opa-wasm policy instance, a few pieces per event-loop turn (issue 8:
 * a data update must never stall request handling). The SDK's own LoadedPolicy.setData serialises the whole document
 * and parses it inside the WebAssembly in one synchronous call: 2 to 8 ms at 1,000 regex rules, during which no
 * request moves. Here the document is cut into pieces (data-pieces.ts); each is parsed into the instance's memory
 * and put at its path (the module's opa_value_add_path), and the loop yields to waiting requests whenever a slice
 * has run for its budget. The instance is new and not yet installed, so nothing evaluates with it meanwhile: the
 * engine swaps it in whole once it is loaded.
 *
 * This relies on the SDK's internals, read from @open-policy-agent/opa-wasm 1.10.0 (src/opa.js): setData resets the
 * heap pointer to `baseHeapPtr`, parses the document there, and keeps its address in `dataAddr` and the heap pointer
 * after it in `dataHeapPtr`, where each evaluation starts its own allocations. The loader does the same, piece by
 * piece. With another version of the SDK, or an instance that lacks any of these, it uses setData instead (correct,
 * only not sliced); test/unit/policy/data-loader.test.ts fails when the SDK changes, to re-check them. It also
 * relies on OPA's WebAssembly runtime (compiled into each bundle) copying strings and numbers out of the JSON text it
 * parses, so the text is freed at once; the same test compares the loaded document with setData's, which a value
 * still pointing into freed text would fail.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';

import type { LoadedPolicy } from '@open-policy-agent/opa-wasm';

import { type SliceClock, type SliceTimes, createSliceTimer } from '../util/slice-timer.js';
import { dataPieces } from './data-pieces.js';

/** The SDK version whose internals the loader was checked against. */
export const CHECKED_SDK_VERSION = '1.10.0';

export interface DataLoadOptions {
  /** How long one synchronous slice may run before the loader yields to waiting requests (ms). */
  readonly sliceMs: number;
  /** The size a piece of the document is cut to, when it can be (bytes of JSON, about). */
  readonly pieceBytes: number;
  /** Waits for the next event-loop turn (setImmediate: I/O callbacks waiting run first). */
  readonly nextTurn?: () => Promise<unknown>;
  readonly clock?: SliceClock;
  /** The SDK's version (tests, and the benchmark's comparison with setData); read from its package.json by default. */
  readonly sdkVersion?: string;
  /** The JSON of frozen values loaded before, reused (data-pieces.ts); kept by the engine from load to load. */
  readonly knownJson?: WeakMap<object, string>;
}

export const DEFAULT_DATA_LOAD: DataLoadOptions = { sliceMs: 1, pieceBytes: 8 * 1024 };

/** What a load did, for logs and benchmarks: its slices (the longest is how long it held the event loop). */
export interface DataLoadReport extends SliceTimes {
  /** False when the SDK's setData loaded the document in one go (see above). */
  readonly sliced: boolean;
  readonly pieces: number;
  /** Bytes of JSON parsed into the instance (0 when the SDK's setData loaded it). */
  readonly bytes: number;
}

/** The parts of the module's exports the loader calls (OPA's WebAssembly ABI 1.x). */
interface OpaExports {
  opa_malloc(size: number): number;
  opa_free(address: number): void;
  opa_json_parse(address: number, length: number): number;
  opa_value_add_path(base: number, path: number, value: number): number;
  opa_heap_ptr_get(): number;
  opa_heap_ptr_set(address: number): void;
}

/** The SDK internals the loader reads and writes. */
interface Internals {
  readonly exports: OpaExports;
  readonly memory: WebAssembly.Memory;
  readonly baseHeapPtr: number;
}

/**
 * Loads `document` into `policy`, a new instance no request can use yet. Throws when the instance cannot take it
 * (a piece that does not parse, a path that cannot be set); the instance must then be dropped.
 */
export async function loadData(
  policy: LoadedPolicy,
  document: object,
  options: DataLoadOptions = DEFAULT_DATA_LOAD,
): Promise<DataLoadReport> {
  const timer = createSliceTimer(options.clock);
  const internals = (options.sdkVersion ?? installedSdkVersion()) === CHECKED_SDK_VERSION ? internalsOf(policy) : null;
  if (internals === null) {
    timer.start();
    policy.setData(document);
    timer.end();
    return { ...timer.times(), sliced: false, pieces: 1, bytes: 0 };
  }
  const { exports, memory } = internals;
  const encoder = new TextEncoder();
  let bytes = 0;
  const parse = (json: string): number => {
    const length = Buffer.byteLength(json);
    const address = exports.opa_malloc(length);
    // After opa_malloc: it may have grown the memory, which replaces memory.buffer.
    encoder.encodeInto(json, new Uint8Array(memory.buffer, address, length));
    const value = exports.opa_json_parse(address, length);
    // The parsed value holds copies of its strings and numbers, not the text: its memory is reused at once.
    exports.opa_free(address);
    if (value === 0) {
      throw new Error('the policy could not parse a piece of its data document');
    }
    bytes += length;
    return value;
  };

  timer.start();
  let pieces = 0;
  // As setData does: the document goes where the instance's heap starts.
  exports.opa_heap_ptr_set(internals.baseHeapPtr);
  const root = parse('{}');
  for (const piece of dataPieces(document, options.pieceBytes, options.knownJson)) {
    const code = exports.opa_value_add_path(root, parse(JSON.stringify(piece.path)), parse(piece.json));
    if (code !== 0) {
      throw new Error(`the policy could not set its data at ${piece.path.join('.')} (error ${code})`);
    }
    pieces += 1;
    if (timer.elapsed() >= options.sliceMs) {
      timer.end();
      await (options.nextTurn ?? nextTurn)();
      timer.start();
    }
  }
  const policyFields = policy as unknown as { dataAddr: number; dataHeapPtr: number };
  policyFields.dataAddr = root;
  policyFields.dataHeapPtr = exports.opa_heap_ptr_get();
  timer.end();
  return { ...timer.times(), sliced: true, pieces, bytes };
}

/** The internals of an instance of the checked SDK, or null when any is missing. */
export function internalsOf(policy: LoadedPolicy): Internals | null {
  const fields = policy as unknown as Record<string, unknown>;
  const instance = fields['wasmInstance'];
  const memory = fields['mem'];
  if (!(instance instanceof WebAssembly.Instance) || !(memory instanceof WebAssembly.Memory)) return null;
  if (typeof fields['baseHeapPtr'] !== 'number') return null;
  if (typeof fields['dataAddr'] !== 'number' || typeof fields['dataHeapPtr'] !== 'number') return null;
  const exports = instance.exports;
  const needed = [
    'opa_malloc',
    'opa_free',
    'opa_json_parse',
    'opa_value_add_path',
    'opa_heap_ptr_get',
    'opa_heap_ptr_set',
  ];
  if (!needed.every((name) => typeof exports[name] === 'function')) return null;
  return { exports: exports as unknown as OpaExports, memory, baseHeapPtr: fields['baseHeapPtr'] };
}

let sdkVersion: string | undefined;

/** The version of the installed @open-policy-agent/opa-wasm (its package.json, beside its entry point). */
export function installedSdkVersion(): string {
  if (sdkVersion === undefined) {
    const require = createRequire(import.meta.url);
    // The package exports no ./package.json: it is found from the entry point, src/index.cjs.
    const manifest = join(dirname(require.resolve('@open-policy-agent/opa-wasm')), '..', 'package.json');
    sdkVersion = String((require(manifest) as { version?: unknown }).version);
  }
  return sdkVersion;
}
