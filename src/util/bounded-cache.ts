/**
 * A bounded in-process cache on lru-cache: least recently used entries are evicted past `maxEntries`, and entries
 * older than `ttlMs` are never returned (an entry set at t is served before t + ttlMs, not at it). `ttlMs` of 0
 * disables caching; Infinity keeps entries until evicted. No timers: expired entries are dropped when read, and the
 * least recently used ones when an entry is set.
 */
import { LRUCache } from 'lru-cache';

export interface BoundedCacheOptions<K = unknown> {
  readonly maxEntries: number;
  readonly ttlMs: number;
  readonly now?: () => number;
  /**
   * Told of each key that leaves the cache (evicted, expired, deleted), for callers that index the keys; not by
   * clear(), which drops the whole storage at once.
   */
  readonly onDrop?: (key: K) => void;
}

/** Values are boxed: lru-cache stores no null or undefined, and callers cache null ("known missing"). */
interface Entry<V> {
  readonly value: V;
}

export class BoundedCache<K extends NonNullable<unknown>, V> {
  /** Undefined when caching is disabled (ttlMs ≤ 0). Replaced whole by clear(). */
  #entries: LRUCache<K, Entry<V>> | undefined;
  readonly #options: BoundedCacheOptions<K>;
  readonly #now: () => number;
  /** Loads under way in getOrLoad, shared by every caller asking for the same key meanwhile. */
  readonly #loading = new Map<K, Promise<V>>();
  /** Bumped by every delete: a load that began before one is not cached after it. */
  #generation = 0;

  constructor(options: BoundedCacheOptions<K>) {
    this.#now = options.now ?? Date.now;
    this.#options = options;
    this.#entries = this.#storage();
  }

  #storage(): LRUCache<K, Entry<V>> | undefined {
    const { maxEntries, ttlMs, onDrop } = this.#options;
    return ttlMs > 0 ? createStorage<K, Entry<V>>(maxEntries, ttlMs, this.#now, onDrop) : undefined;
  }

  get size(): number {
    return this.#entries?.size ?? 0;
  }

  get(key: K): V | undefined {
    return this.#entries?.get(key, { allowStale: false })?.value;
  }

  set(key: K, value: V): void {
    if (this.#entries === undefined) {
      return;
    }
    dropExpired(this.#entries);
    // lru-cache serves an entry while its age is at most ttl; this cache stops at an age of ttlMs (a test moving the
    // clock by ttlMs sees the entry gone). Dating the entry 1 ms earlier keeps that with millisecond clocks. A start
    // of 0 would mean "no TTL" to lru-cache, hence the smallest positive number instead.
    this.#entries.set(key, { value }, { start: this.#now() - 1 || Number.MIN_VALUE });
  }

  /**
   * The cached value, or the loaded one (cached when `shouldCache` accepts it). Callers asking for a key while it is
   * being loaded share that load: an entry expiring under many concurrent requests costs one load, not one each.
   */
  async getOrLoad(key: K, load: () => Promise<V>, shouldCache: (value: V) => boolean = () => true): Promise<V> {
    const cached = this.get(key);
    if (cached !== undefined) {
      return cached;
    }
    const pending = this.#loading.get(key);
    if (pending !== undefined) {
      return pending;
    }
    const generation = this.#generation;
    const loading = load().then(
      (value) => {
        if (this.#loading.get(key) === loading) this.#loading.delete(key);
        if (generation === this.#generation && shouldCache(value)) {
          this.set(key, value);
        }
        return value;
      },
      (error: unknown) => {
        if (this.#loading.get(key) === loading) this.#loading.delete(key);
        throw error;
      },
    );
    this.#loading.set(key, loading);
    return loading;
  }

  /** Drops one entry (and forgets a load of it under way: its result is not cached). */
  delete(key: K): void {
    this.#invalidate();
    this.#entries?.delete(key);
  }

  /**
   * Drops every entry, in constant time: the storage is replaced, not emptied entry by entry. Every replica clears
   * its grant and user caches on each permission change while it serves requests; emptying a warm cache of a few
   * thousand entries one by one held the event loop for milliseconds (bench/decision-stall.ts, --cpu-prof).
   */
  clear(): void {
    this.#invalidate();
    this.#entries = this.#storage();
  }

  /** Loads under way were read before the change that deletes entries: they are neither shared nor cached. */
  #invalidate(): void {
    this.#generation += 1;
    this.#loading.clear();
  }
}

function createStorage<K extends NonNullable<unknown>, V extends object>(
  maxEntries: number,
  ttlMs: number,
  now: () => number,
  onDrop: ((key: K) => void) | undefined,
): LRUCache<K, V> {
  return new LRUCache<K, V>({
    // An entry set again keeps its key ('set'); every other reason takes it out.
    ...(onDrop === undefined ? {} : { dispose: (_value: V, key: K, reason) => reason !== 'set' && onDrop(key) }),
    // maxSize counts entries (each of size 1) without allocating room for all of them up front, as `max` would: the
    // configured bounds go up to millions, and memory should follow what is cached, not the bound.
    maxSize: maxEntries,
    sizeCalculation: () => 1,
    // No ttl (Infinity): entries stay until evicted.
    ...(Number.isFinite(ttlMs) ? { ttl: ttlMs } : {}),
    // Read the clock on every check: a resolution above 0 would reuse a reading for that many ms (and arm a timer
    // to forget it), so an injected clock moved by a test would not be seen.
    ttlResolution: 0,
    // Expired entries stay visible to rkeys() for dropExpired; get() asks for live ones only.
    allowStale: true,
    perf: { now },
  });
}

/**
 * Drops expired entries, least recently used first, until the first live one, so that a flood of entries nobody
 * reads again (ids found missing) is held for ttlMs at most rather than until maxEntries newer ones push it out.
 */
function dropExpired<K extends NonNullable<unknown>, V extends object>(entries: LRUCache<K, V>): void {
  const expired: K[] = [];
  for (const key of entries.rkeys()) {
    if (entries.getRemainingTTL(key) >= 0) {
      break;
    }
    expired.push(key);
  }
  for (const key of expired) {
    entries.delete(key);
  }
}
