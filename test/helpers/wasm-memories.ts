/** Every WebAssembly.Memory made while `run` runs (the SDK makes one per policy instance), with its initial size. */
export async function memoriesMade(
  run: () => Promise<unknown>,
): Promise<{ initial: number; memory: WebAssembly.Memory }[]> {
  const made: { initial: number; memory: WebAssembly.Memory }[] = [];
  const Original = WebAssembly.Memory;
  // A proxy of the constructor: what it makes are still instances of WebAssembly.Memory.
  const Recorded = new Proxy(Original, {
    construct(target, args: [{ initial: number }]) {
      const memory = Reflect.construct(target, args) as WebAssembly.Memory;
      made.push({ initial: args[0].initial, memory });
      return memory;
    },
  });
  (WebAssembly as { Memory: unknown }).Memory = Recorded;
  try {
    await run();
  } finally {
    (WebAssembly as { Memory: unknown }).Memory = Original;
  }
  return made;
}
