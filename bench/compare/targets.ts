/**
 * The systems `make bench-compare` measures side by side, in the order of the tables: how each is started and
 * given its data. The first one, `direct`, is the baseline every ratio is taken against.
 */
import { join } from 'node:path';

import { startBasicAuthTargets } from './basic-auth.js';
import { startDirect } from './direct.js';
import { startMlgateTarget } from './mlgate.js';
import { startOidcAuth } from './oidc-auth.js';
import { type Fixture, populate } from './setup.js';
import type { Target } from './target.js';

export interface Prepared {
  readonly target: Target;
  readonly fixture: Fixture;
}

export interface TargetFactory {
  readonly name: string;
  /** Starts the system(s) in `dir` and sets up their data; undefined when it is not available here. */
  readonly start: (dir: string) => Promise<Prepared[] | undefined>;
}

/** A target whose data is made through its own API once it runs. */
function populated(start: (dir: string) => Promise<Target>): TargetFactory['start'] {
  return async (dir) => {
    const target = await start(dir);
    try {
      return [{ target, fixture: await populate(target) }];
    } catch (error) {
      await target.stop();
      throw error;
    }
  };
}

export const TARGETS: readonly TargetFactory[] = [
  { name: 'direct', start: populated(startDirect) },
  { name: 'mlgate', start: populated((dir) => startMlgateTarget(dir)) },
  { name: 'mlflow-oidc-auth', start: populated(startOidcAuth) },
  {
    name: 'basic-auth',
    start: async (dir) => {
      const variants = [
        { name: 'basic-auth', authCacheSeconds: 0 },
        { name: 'basic-auth 5s cache', authCacheSeconds: 5 },
      ];
      const { targets, fixture } = await startBasicAuthTargets(dir, variants, populate);
      return targets.map((target) => ({ target, fixture }));
    },
  },
];

/** Starts every available target in turn (each in `dir/<name>`); stops those started if one fails. */
export async function startTargets(
  dir: string,
  progress: (line: string) => void,
): Promise<{ prepared: Prepared[]; missing: string[] }> {
  const prepared: Prepared[] = [];
  const missing: string[] = [];
  try {
    for (const factory of TARGETS) {
      const began = Date.now();
      const started = await factory.start(join(dir, factory.name));
      if (started === undefined) {
        missing.push(factory.name);
        progress(`${factory.name}: not available here, left out`);
        continue;
      }
      prepared.push(...started);
      progress(`${factory.name}: started and set up in ${((Date.now() - began) / 1000).toFixed(0)} s`);
    }
  } catch (error) {
    for (const { target } of prepared) await target.stop();
    throw error;
  }
  return { prepared, missing };
}
