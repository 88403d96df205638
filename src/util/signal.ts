/** A one-way notice with any number of listeners (e.g. "permission data changed: drop what you cached"). */
export interface Signal {
  /** Adds a listener, called on each notify(). */
  listen(listener: () => void): void;
  notify(): void;
}

export function createSignal(): Signal {
  const listeners: (() => void)[] = [];
  return {
    listen: (listener) => void listeners.push(listener),
    notify: () => {
      for (const listener of listeners) listener();
    },
  };
}
