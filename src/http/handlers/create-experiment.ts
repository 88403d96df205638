/** CreateExperiment: proxied, and its answer read to grant the creator what the policy obliges (capture-created.ts). */
import { capturingCreation } from './capture-created.js';

export const createExperiment = capturingCreation({
  noun: 'experiment',
  created: (body) => {
    const id = jsonField(body, 'experiment_id');
    return typeof id === 'string' && id !== '' ? { type: 'experiment', id } : undefined;
  },
});

function jsonField(body: Buffer, name: string): unknown {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
  } catch {
    return undefined;
  }
}
