/**
 * A bounded in-process cache: least recently used entries are evicted past
 * `maxEntries`, and entries older than `ttlMs` are never returned. `ttlMs` of
 * 0 disables caching; Infinity keeps entries until evicted.
 */
export interface BoundedCacheOptions {
  readonly maxEntries: number;
  readonly ttlMs: number;
  readonly now?: () => number;
}

interface Entry<V> {
  readonly value: V;
  readonly expires: number;
}

export class BoundedCache<K, V> {
  readonly #entries = new Map<K, Entry<V>>();
  /** Loads under way in getOrLoad, shared by every caller asking for the same key meanwhile. */
  readonly #loading = new Map<K, Promise<V>>();
  /** Bumped by every delete: a load that began before one is not cached after it. */
  #generation = 0;
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: BoundedCacheOptions) {
    this.#maxEntries = options.maxEntries;
    this.#ttlMs = options.ttlMs;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      return undefined;
    }
    this.#entries.delete(key);
    if (entry.expires <= this.#now()) {
      return undefined;
    }
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    if (this.#ttlMs <= 0) {
      return;
    }
    const now = this.#now();
    this.#entries.delete(key);
    this.#entries.set(key, { value, expires: now + this.#ttlMs });
    // Expired entries go too, oldest first, so a flood of entries nobody reads again (ids found missing) is held
    // for ttlMs at most rather than until maxEntries newer ones push it out.
    for (const [oldKey, entry] of this.#entries) {
      if (entry.expires > now) {
        break;
      }
      this.#entries.delete(oldKey);
    }
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) {
        break;
      }
      this.#entries.delete(oldest.value);
    }
  }

  /** The cached value, or the loaded one (cached when `shouldCache` accepts it). */
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
    this.#entries.delete(key);
  }

  /** Drops every entry whose key matches. */
  deleteWhere(predicate: (key: K) => boolean): void {
    this.#invalidate();
    for (const key of [...this.#entries.keys()]) {
      if (predicate(key)) {
        this.#entries.delete(key);
      }
    }
  }

  /** Drops every entry. */
  clear(): void {
    this.#invalidate();
    this.#entries.clear();
  }

  /** Loads under way were read before the change that deletes entries: they are neither shared nor cached. */
  #invalidate(): void {
    this.#generation += 1;
    this.#loading.clear();
  }
}
