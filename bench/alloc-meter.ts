/**
 * Bytes a piece of code allocates on the V8 heap, counted whatever collections happen meanwhile (v8.GCProfiler
 * reports the heap before and after each one): the used heap at the end, minus at the start, plus what every
 * collection freed. Unlike a latency this does not depend on how busy the machine is. Also counts the full
 * collections (Mark-Compact) and what scavenges promoted to the old generation. Only meaningful when nothing else
 * runs in the process meanwhile.
 */
import { GCProfiler, getHeapStatistics } from 'node:v8';

export interface Allocation {
  /** Bytes allocated on the V8 heap. */
  readonly bytes: number;
  /** Full collections (Mark-Compact) during the run. */
  readonly markCompacts: number;
  /** All collections during the run. */
  readonly collections: number;
  /** Bytes scavenges moved into the old generation. */
  readonly promoted: number;
}

interface HeapAt {
  readonly heapStatistics: { readonly usedHeapSize: number };
  readonly heapSpaceStatistics: readonly { readonly spaceName: string; readonly spaceUsedSize: number }[];
}

interface GcStat {
  readonly gcType: string;
  readonly beforeGC: HeapAt;
  readonly afterGC: HeapAt;
}

const oldSpaceOf = (at: HeapAt): number =>
  at.heapSpaceStatistics.find((s) => s.spaceName === 'old_space')?.spaceUsedSize ?? 0;

/** Runs `fn` and measures what it allocated (see above). */
export async function measureAllocation<T>(fn: () => Promise<T>): Promise<{ result: T; allocation: Allocation }> {
  const profiler = new GCProfiler();
  profiler.start();
  const startUsed = getHeapStatistics().used_heap_size;
  const result = await fn();
  const endUsed = getHeapStatistics().used_heap_size;
  const stats = (profiler.stop()?.statistics ?? []) as unknown as GcStat[];
  let bytes = 0;
  let last = startUsed;
  let markCompacts = 0;
  let promoted = 0;
  for (const gc of stats) {
    bytes += gc.beforeGC.heapStatistics.usedHeapSize - last;
    last = gc.afterGC.heapStatistics.usedHeapSize;
    if (gc.gcType === 'MarkSweepCompact') markCompacts += 1;
    if (gc.gcType === 'Scavenge') promoted += Math.max(0, oldSpaceOf(gc.afterGC) - oldSpaceOf(gc.beforeGC));
  }
  bytes += endUsed - last;
  return { result, allocation: { bytes, markCompacts, collections: stats.length, promoted } };
}

interface SamplingNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly SamplingNode[];
}

/**
 * Where `fn` allocates: a sampling heap profile that keeps the objects collected meanwhile, summed by function
 * (bytes, estimated from samples every `intervalBytes`), the `top` largest first.
 */
export async function allocationSites(
  fn: () => Promise<unknown>,
  top = 25,
  intervalBytes = 1024,
): Promise<{ site: string; bytes: number }[]> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: intervalBytes,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    await fn();
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as {
      profile: { head: SamplingNode };
    };
    const bySite = new Map<string, number>();
    const walk = (node: SamplingNode): void => {
      const { functionName, url, lineNumber } = node.callFrame;
      const site = `${functionName || '(anonymous)'} ${url.split('/').slice(-3).join('/')}:${lineNumber + 1}`;
      bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
      for (const child of node.children) walk(child);
    };
    walk(profile.head);
    return [...bySite.entries()]
      .map(([site, bytes]) => ({ site, bytes }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, top);
  } finally {
    session.disconnect();
  }
}
