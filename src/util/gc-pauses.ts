/**
 * Short garbage-collection pauses for a gateway that decides requests on one event loop (issue 8: no request stalled
 * by more than 5 ms during a data update). V8 runs its young-generation collection (the scavenge) on several
 * threads, and the event loop waits for the last of them. On a small machine shared with MLflow and MongoDB, a
 * helper thread descheduled by the kernel made scavenges that copied a few hundred KiB pause the process 4-7 ms
 * (node --trace-gc-nvp in bench/decision-stall.js: scavenge.parallel 4.5 ms for 363 KiB survived). Scavenging on
 * the main thread alone does not wait for anyone: the same runs' longest collection overlapping a reload fell from
 * 4.9-6.9 ms to 1.6 ms. The flag is read at each scavenge, so setting it once at start-up is enough.
 */
import { setFlagsFromString } from 'node:v8';

export function preferShortGcPauses(): void {
  setFlagsFromString('--no-parallel-scavenge');
}
