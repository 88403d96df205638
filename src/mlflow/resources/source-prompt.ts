/**
 * The source prompt of a prompt optimization job (`source_prompt_uri`): the prompt permission type, keyed by the
 * prompt's name, for every name MLflow's auth reads from the value (prompt-uri.ts). Nothing is looked up: a grant
 * on a prompt is a grant on its name, and a prompt that does not exist makes the job fail. (h/genai)
 */
import { sourcePromptNames } from '../prompt-uri.js';
import type { ResourceKind } from './kind.js';

export const sourcePrompt: ResourceKind = {
  name: 'source_prompt',
  carrier: 'prompt',
  describe: (ref) => `prompt ${ref}`,
  validate: (value) => {
    sourcePromptNames(value);
  },
  resolve: (value) => Promise.resolve(sourcePromptNames(value).map((name) => ({ type: 'prompt' as const, id: name }))),
  foundTtlMs: Infinity,
  rememberMissing: false,
};
