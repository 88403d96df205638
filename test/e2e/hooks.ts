/** Mocha root hooks: the end-to-end world is started once before all suites and stopped after. */
import { startWorld, stopWorld } from './world.js';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(300_000);
    await startWorld();
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    await stopWorld();
  },
};
