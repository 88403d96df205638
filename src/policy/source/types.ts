/** What a bundle source (a watched file or directory, a polled URL) hands new bundles to. */
export interface BundleSink {
  /** A new bundle's files; resolves true when it was activated, false when it was refused (and logged). */
  offer(files: ReadonlyMap<string, Buffer>, source: string): Promise<boolean>;
  /** A new bundle could not even be read (download failed, archive broken): logged, the current one kept. */
  fail(error: unknown, source: string): void;
}

/** A place bundles come from, watched or polled until stopped. */
export interface BundleSource {
  /** Where bundles come from, for logs (a URL is given without credentials). */
  readonly description: string;
  start(): void;
  stop(): void;
}
