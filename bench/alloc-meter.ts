/**
 * Bytes a piece of code allocates on the V8 heap, counted whatever collections happen meanwhile (v8.GCProfiler
 * reports the heap before and after each one): the used heap at the end, minus at the start, plus what every
 * collection freed. Unlike a latency this does not depend on how busy the machine is. Also counts the full
 * collections (Mark-Compact) and what scavenges promoted to the old generation. Only meaningful when nothing else
 * runs in the process meanwhile.
 */
import { GCProfiler, getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

export interface Allocation {
  /** Bytes allocated on the V8 heap. */
  readonly bytes: number;
  /** Full collections (Mark-Compact) during the run. */
  readonly markCompacts: number;
  /** All collections during the run. */
  readonly collections: number;
  /**
   * Bytes that went into the old generation: promoted by scavenges, or allocated there directly (V8 pretenures
   * the objects of allocation sites whose objects tend to survive). This is what fills the old generation until a
   * full collection runs.
   */
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

/** The used bytes of every space but the young generation's. */
const oldGenerationOf = (at: HeapAt): number =>
  at.heapSpaceStatistics
    .filter((s) => s.spaceName !== 'new_space' && s.spaceName !== 'new_large_object_space')
    .reduce((sum, s) => sum + s.spaceUsedSize, 0);

function oldGenerationNow(): number {
  return getHeapSpaceStatistics()
    .filter((s) => s.space_name !== 'new_space' && s.space_name !== 'new_large_object_space')
    .reduce((sum, s) => sum + s.space_used_size, 0);
}

/** Runs `fn` and measures what it allocated (see above). */
export async function measureAllocation<T>(fn: () => Promise<T>): Promise<{ result: T; allocation: Allocation }> {
  const profiler = new GCProfiler();
  profiler.start();
  const startUsed = getHeapStatistics().used_heap_size;
  const startOld = oldGenerationNow();
  const result = await fn();
  const endUsed = getHeapStatistics().used_heap_size;
  const endOld = oldGenerationNow();
  const stats = (profiler.stop()?.statistics ?? []) as unknown as GcStat[];
  let bytes = 0;
  let last = startUsed;
  let lastOld = startOld;
  let markCompacts = 0;
  let promoted = 0;
  for (const gc of stats) {
    bytes += gc.beforeGC.heapStatistics.usedHeapSize - last;
    last = gc.afterGC.heapStatistics.usedHeapSize;
    // Allocated in the old generation since the last collection, then what a scavenge promoted.
    promoted += oldGenerationOf(gc.beforeGC) - lastOld;
    lastOld = oldGenerationOf(gc.afterGC);
    if (gc.gcType === 'MarkSweepCompact') markCompacts += 1;
    if (gc.gcType === 'Scavenge') promoted += Math.max(0, lastOld - oldGenerationOf(gc.beforeGC));
  }
  bytes += endUsed - last;
  promoted += endOld - lastOld;
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
